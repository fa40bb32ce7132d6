from django import template

from faq import permissions

register = template.Library()


@register.filter
def faq_editor(user) -> bool:
    """May `user` write FAQ articles somewhere (offers "create FAQ draft from this answer")?"""
    return permissions.may_edit_any(user)
