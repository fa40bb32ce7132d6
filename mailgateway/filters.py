"""Postmaster filters: conditions on a header or the body, and what to do when they match."""

from dataclasses import dataclass, field

from mailgateway import batch
from mailgateway.models import PostmasterFilter
from mailgateway.parse import ParsedMessage
from mailgateway.safe_regex import MAX_SUBJECT, safe_search


@dataclass
class FilterResult:
    queue: object = None
    priority: object = None
    category: object = None
    state: object = None
    tags: list[str] = field(default_factory=list)
    ignore: bool = False
    spam: bool = False
    matched: list[str] = field(default_factory=list)


def _values(parsed: ParsedMessage, name: str) -> list[str]:
    if name.lower() == "body":
        return [parsed.body_text[:MAX_SUBJECT]]
    if name.lower() == "subject":
        return [parsed.subject]
    if name.lower() == "from":
        return [*parsed.headers.get("from", []), parsed.from_address]
    return parsed.headers.get(name.lower(), [])


def _matches(rule: PostmasterFilter, values: list[str]) -> bool:
    wanted = rule.value.lower()
    if rule.match == PostmasterFilter.Match.EXACT:
        hit = any(v.strip().lower() == wanted for v in values)
    elif rule.match == PostmasterFilter.Match.CONTAINS:
        hit = any(wanted in v.lower() for v in values)
    else:
        hit = any(safe_search(rule.value, v) for v in values)
    return hit != rule.negate


def apply_filters(parsed: ParsedMessage) -> FilterResult:
    result = FilterResult()
    for rule in batch.current().filters:  # read once per batch of mail
        if not _matches(rule, _values(parsed, rule.field)):
            continue
        result.matched.append(rule.name)
        result.queue = rule.set_queue or result.queue
        result.priority = rule.set_priority or result.priority
        result.category = rule.set_category or result.category
        result.state = rule.set_state or result.state
        result.tags += [t.strip() for t in rule.add_tags.split(",") if t.strip()]
        result.ignore = result.ignore or rule.ignore
        result.spam = result.spam or rule.mark_spam
        if rule.stop:
            break
    return result
