#!/usr/bin/env bash
# Create .venv with Python 3.11+ if it is missing and install requirements.lock into it.
# The lock is installed again only when it changed since the last install.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
VENV=.venv
STAMP="$VENV/.requirements.lock.installed"

if [ ! -x "$VENV/bin/python" ]; then
    if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        echo "error: $PYTHON is missing or older than Python 3.11 (set PYTHON=/path/to/python3.11)" >&2
        exit 1
    fi
    echo "==> creating $VENV with $("$PYTHON" --version)"
    "$PYTHON" -m venv "$VENV"
fi

if ! cmp -s requirements.lock "$STAMP"; then
    echo "==> installing requirements.lock into $VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements.lock
    cp requirements.lock "$STAMP"
fi
