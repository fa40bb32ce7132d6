"""A counting semaphore in the cache: at most N holders at once across every process of the installation.

A slot is a cache key `<name>:<i>` (i < N) taken with `cache.add` (atomic: SET NX in Redis, a
lock in the local-memory cache) and given an expiry, so a holder that crashes, or is killed,
frees its slot after `ttl` seconds at the latest. Nobody waits: `take()` returns None when all
slots are taken and the caller tells the user to come back. With the local-memory cache (no
Redis) the count is per process, which is what `make run` has.
"""

import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.cache import cache

log = logging.getLogger(__name__)


class NoSlot(Exception):
    """Every slot is taken (or the cache cannot be reached: the limit is kept, not skipped)."""


@dataclass(frozen=True)
class Slot:
    key: str
    token: str


def take(name: str, count: int, ttl: int) -> Slot | None:
    """A free slot of `name`, held for at most `ttl` seconds; None when all `count` are taken."""
    token = secrets.token_hex(8)
    for i in range(count):
        key = f"{name}:{i}"
        if cache.add(key, token, timeout=ttl):
            return Slot(key, token)
    return None


def give_back(slot: Slot) -> None:
    """Free `slot`, unless it expired and another holder has taken the key since."""
    if cache.get(slot.key) == slot.token:
        cache.delete(slot.key)


@contextmanager
def holding(name: str, count: int, ttl: int) -> Iterator[Slot]:
    """Hold one of `count` slots of `name` for the block; NoSlot at once when none is free."""
    try:
        slot = take(name, count, ttl)
    except Exception as exc:  # the cache (Redis) is unreachable: refuse rather than run unlimited
        log.warning("No %s slot: the cache cannot be reached (%s)", name, exc)
        raise NoSlot(name) from None
    if slot is None:
        raise NoSlot(name)
    try:
        yield slot
    finally:
        try:
            give_back(slot)
        except Exception as exc:  # it expires by itself
            log.warning("Could not free the %s slot %s (%s); it expires after %s s", name, slot.key, exc, ttl)
