"""Did the receiving server vouch for the sender? Authentication-Results (RFC 8601), read and judged.

A From header is only a claim. A mail that claims to come from an agent is filed as
the agent's own message only when a receiving server the administrator trusts
(HELPDESK_MAIL_TRUSTED_AUTHSERV_IDS) stamped it with `dkim=pass` for the From domain,
`spf=pass` for an envelope sender in the From domain, or `dmarc=pass` for the From
domain. Only that server's headers count, and only the topmost run of them: the
receiving server adds its header above everything that came with the mail, and it
must remove incoming headers that carry its own authserv-id (RFC 8601, section 5).
"""

from dataclasses import dataclass, field

from django.conf import settings

from mailgateway.parse import ParsedMessage


@dataclass(frozen=True)
class Result:
    """One `method=result` with its reason and properties (`header.d`, `smtp.mailfrom`, ...)."""

    method: str
    result: str
    reason: str = ""
    properties: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class AuthenticationResults:
    authserv_id: str
    version: int = 1
    results: tuple[Result, ...] = ()


def _unwrap(text: str) -> tuple[str, list[str]]:
    """Comments removed and quoted strings replaced by placeholders (`\\x00N\\x00`), with their contents."""
    out: list[str] = []
    quoted: list[str] = []
    depth, index = 0, 0
    while index < len(text):
        char = text[index]
        if depth:
            if char == "\\":
                index += 1
            elif char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
                if not depth:
                    out.append(" ")
        elif char == "(":
            depth = 1
        elif char == '"':
            value, index = _quoted(text, index + 1)
            out.append(f"\x00{len(quoted)}\x00")
            quoted.append(value)
        else:
            out.append(char)
        index += 1
    return "".join(out), quoted


def _quoted(text: str, index: int) -> tuple[str, int]:
    value = []
    while index < len(text) and text[index] != '"':
        if text[index] == "\\" and index + 1 < len(text):
            index += 1
        value.append(text[index])
        index += 1
    return "".join(value), index


def _value(word: str, quoted: list[str]) -> str:
    """A word with its placeholders put back as the quoted text they stood for."""
    parts = word.split("\x00")
    return "".join(quoted[int(p)] if n % 2 and p.isdigit() and int(p) < len(quoted) else p for n, p in enumerate(parts))


def _squeeze(text: str) -> str:
    """No whitespace around '=', '.' and '/' (RFC 8601 allows CFWS there), so each item is one word."""
    for mark in "=./":
        text = mark.join(piece.strip() for piece in text.split(mark))
    return text


def parse_authentication_results(value: str) -> AuthenticationResults | None:
    """The header's authserv-id and results; None when it cannot be read (then it vouches for nothing)."""
    text, quoted = _unwrap(value)
    head, *resinfos = text.split(";")
    words = head.split()
    if not words or len(words) > 2:
        return None
    authserv_id = _value(words[0], quoted).strip().lower()
    version = 1
    if len(words) == 2:
        if not words[1].isdigit():
            return None
        version = int(words[1])
    if not authserv_id:
        return None
    results = []
    for info in resinfos:
        items = _squeeze(info).split()
        if not items or items == ["none"]:
            continue
        method, sep, result = items[0].partition("=")
        if not sep or not method or not result:
            return None
        reason, properties = "", {}
        for item in items[1:]:
            key, sep, raw = item.partition("=")
            if not sep:
                return None
            if key.lower() == "reason":
                reason = _value(raw, quoted)
            else:
                properties[key.lower()] = _value(raw, quoted)
        results.append(
            Result(
                method=method.split("/")[0].lower(),
                result=_value(result, quoted).lower(),
                reason=reason,
                properties=properties,
            )
        )
    return AuthenticationResults(authserv_id=authserv_id, version=version, results=tuple(results))


def trusted_results(parsed: ParsedMessage) -> list[Result]:
    """The results stamped by a trusted receiving server: its topmost run of headers, nothing below."""
    trusted = {i.strip().lower() for i in settings.HELPDESK_MAIL_TRUSTED_AUTHSERV_IDS if i.strip()}
    if not trusted:
        return []
    results: list[Result] = []
    seen_trusted = False
    for value in parsed.headers.get("authentication-results", []):
        header = parse_authentication_results(value)
        if header is not None and header.authserv_id in trusted:
            seen_trusted = True
            results += header.results
        elif seen_trusted:
            break  # below our server's headers: written before it received the mail, by anyone
    return results


def _domain(value: str) -> str:
    return value.strip().strip("<>").rsplit("@", 1)[-1].strip().strip(".").lower()


def aligned(domain: str, from_domain: str) -> bool:
    """Relaxed alignment: the same domain, or one a subdomain of the other (never a bare top-level name)."""
    if not domain or not from_domain or "." not in domain or "." not in from_domain:
        return False
    return domain == from_domain or domain.endswith("." + from_domain) or from_domain.endswith("." + domain)


def _passes(result: Result, from_domain: str) -> bool:
    if result.result != "pass":
        return False
    props = result.properties
    if result.method == "dkim":
        return aligned(_domain(props.get("header.d") or props.get("header.i", "")), from_domain)
    if result.method == "spf":
        return aligned(_domain(props.get("smtp.mailfrom", "")), from_domain)
    if result.method == "dmarc":
        return aligned(_domain(props.get("header.from", "")), from_domain)
    return False


def sender_verified(parsed: ParsedMessage) -> bool:
    """True when a trusted receiving server vouches that the From address's domain really sent this mail."""
    from_domain = _domain(parsed.from_address) if "@" in parsed.from_address else ""
    return bool(from_domain) and any(_passes(r, from_domain) for r in trusted_results(parsed))
