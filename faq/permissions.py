"""Who may read and who may edit the knowledge base (the one place for FAQ rights).

Readers: anonymous visitors read public articles; signed-in customers also read articles
for customers; agents also read internal ones. Drafts are read only by those who may edit
the article's category. Editing takes the `faq_edit` right (accounts.Permission, granted
on access groups to agents or roles, like the ticket rights) on one of the category's
editor groups; `rw` on a group does not include it. Administrators may always edit.
"""

from accounts.models import Permission, User
from tickets.errors import PermissionDenied
from tickets.permissions import grants

FAQ_EDIT = Permission.FAQ_EDIT
DRAFT, INTERNAL, CUSTOMERS, PUBLIC = "draft", "internal", "customers", "public"


def is_faq_admin(user: User) -> bool:
    return bool(user.is_authenticated and user.is_helpdesk_admin)


def editor_group_ids(user: User) -> frozenset[int]:
    """The access groups on which `user` holds the FAQ editor right (empty for everyone but agents)."""
    if not user.is_authenticated or not user.is_active or not user.is_agent:
        return frozenset()
    return grants(user)[FAQ_EDIT]


def reader_states(user: User) -> tuple[str, ...]:
    """The published states `user` reads, drafts aside."""
    if not user.is_authenticated or not user.is_active:
        return (PUBLIC,)
    if user.is_agent:
        return (INTERNAL, CUSTOMERS, PUBLIC)
    return (CUSTOMERS, PUBLIC)


def may_edit(user: User, category) -> bool:
    """May `user` create and change articles of `category` (and read its drafts)?"""
    if is_faq_admin(user):
        return True
    held = editor_group_ids(user)
    if not held or category is None:
        return False
    return any(group.pk in held for group in category.editor_groups.all())


def may_edit_any(user: User) -> bool:
    """Does `user` edit at least one category (shows the "new article" button)?"""
    return is_faq_admin(user) or bool(editor_group_ids(user))


class NotAnEditor(PermissionDenied):
    """The user may read the article but not edit it (403)."""
