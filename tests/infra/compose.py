"""Read docker-compose.yml the way `docker compose` does, for tests that cannot run Docker.

Supports what our compose file uses: YAML anchors and merge keys (PyYAML's safe loader)
and variable interpolation: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error},
${VAR?error} and $$ for a literal dollar.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"

_VARIABLE = re.compile(r"\$\$|\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")


class MissingVariable(ValueError):
    pass


def load(path: Path = COMPOSE_FILE) -> dict:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def interpolate(value, env: dict[str, str]):
    """The value with variables substituted from env, recursively through lists and dicts."""
    if isinstance(value, dict):
        return {key: interpolate(item, env) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, env) for item in value]
    if not isinstance(value, str):
        return value

    def substitute(match: re.Match) -> str:
        if match.group(0) == "$$":
            return "$"
        name, op, arg = match.group("name"), match.group("op"), match.group("arg")
        current = env.get(name)
        unset_or_empty = not current
        missing = unset_or_empty if op and op.startswith(":") else current is None
        if op in (":-", "-"):
            return arg if missing else current
        if op in (":?", "?"):
            if missing:
                raise MissingVariable(f"{name}: {arg}")
            return current
        return current or ""

    return _VARIABLE.sub(substitute, value)


def command_of(service: dict) -> list[str]:
    command = service.get("command", [])
    return command.split() if isinstance(command, str) else list(command)
