"""Counting attempts in Django's cache: login lockouts and per-account / per-IP rate limits.

The cache is local memory by default and Redis in production (settings.CACHES), so
the counters are shared between workers in production.
"""

import functools
import hashlib
import ipaddress
import time

from django.conf import settings
from django.core.cache import cache


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or behind a trusted proxy the address that proxy saw.

    X-Forwarded-For is read only when the request comes from one of HELPDESK_TRUSTED_PROXIES (anyone
    can send the header), from the right: the first address that is not itself a trusted proxy.
    Without this, every client behind a proxy would share one address and one lockout.
    """
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    networks = _trusted_networks(tuple(settings.HELPDESK_TRUSTED_PROXIES))
    if not networks or not _is_trusted(remote, networks):
        return remote
    forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(forwarded):
        if not _is_trusted(hop, networks):
            return hop
    return forwarded[0] if forwarded else remote


@functools.cache
def _trusted_networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _is_trusted(address: str, networks: tuple) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def _key(*parts: str) -> str:
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]
    return f"helpdesk:throttle:{parts[0]}:{digest}"


def hit(bucket: str, ident: str, window_seconds: int) -> int:
    """Count one attempt in a fixed window; returns the count so far."""
    key = _key(bucket, ident)
    cache.add(key, 0, window_seconds)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window_seconds)
        return 1


def count(bucket: str, ident: str) -> int:
    return cache.get(_key(bucket, ident), 0)


def reset(bucket: str, ident: str) -> None:
    cache.delete(_key(bucket, ident))


def over_limit(bucket: str, ident: str, limit: int, window_seconds: int) -> bool:
    """Count an attempt and say whether it goes beyond `limit` within the window."""
    return hit(bucket, ident, window_seconds) > limit


# Login. Failures are counted three ways within HELPDESK_LOGIN_LOCKOUT_MINUTES:
# - per username + IP address: from the third failure on, each next attempt must wait a little
#   longer (1, 2, 4 ... seconds); after HELPDESK_LOGIN_MAX_FAILURES the pair is locked out;
# - per IP address across usernames (password spraying: one password tried on many accounts):
#   locked out after HELPDESK_LOGIN_MAX_FAILURES_PER_ADDRESS;
# - per username across addresses (a distributed attack on one account): locked out after
#   HELPDESK_LOGIN_MAX_FAILURES_PER_ACCOUNT.
# A lockout refuses every attempt, a correct password too. A successful sign-in clears only the
# pair's count: one good account must not reset an address that is guessing at others.
# Nobody sleeps: early attempts are refused.
SLOWDOWN_AFTER = 3


def _username(username: str) -> str:
    return (username or "").strip().lower()


def _login_ident(username: str, ip: str) -> str:
    return f"{_username(username)}|{ip}"


def login_locked(username: str, ip: str) -> bool:
    return (
        count("login", _login_ident(username, ip)) >= settings.HELPDESK_LOGIN_MAX_FAILURES
        or count("login-address", ip) >= settings.HELPDESK_LOGIN_MAX_FAILURES_PER_ADDRESS
        or count("login-account", _username(username)) >= settings.HELPDESK_LOGIN_MAX_FAILURES_PER_ACCOUNT
    )


def login_wait_seconds(username: str, ip: str) -> int:
    """Seconds before the next attempt is looked at: 0 at first, then doubling (slow down before lockout)."""
    until = cache.get(_key("login-wait", _login_ident(username, ip)))
    return max(0, int(until - time.time() + 0.999)) if until else 0


def login_failed(username: str, ip: str) -> int:
    window = settings.HELPDESK_LOGIN_LOCKOUT_MINUTES * 60
    ident = _login_ident(username, ip)
    hit("login-address", ip, window)
    hit("login-account", _username(username), window)
    failures = hit("login", ident, window)
    if failures >= SLOWDOWN_AFTER:
        delay = min(2 ** (failures - SLOWDOWN_AFTER), 60)
        cache.set(_key("login-wait", ident), time.time() + delay, delay)
    return failures


def login_succeeded(username: str, ip: str) -> None:
    reset("login", _login_ident(username, ip))
    reset("login-wait", _login_ident(username, ip))
