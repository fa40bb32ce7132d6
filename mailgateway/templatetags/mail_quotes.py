"""`{% load mail_quotes %}` then `{% with parts=article.body_text|split_quoted %}` -> parts.0 reply, parts.1 history."""

from django import template

from mailgateway.quotes import split_quoted as _split

register = template.Library()


@register.filter
def split_quoted(text):
    return _split(text or "")
