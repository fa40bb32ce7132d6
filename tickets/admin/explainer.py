"""The permission explainer: pick a user and a ticket (or a queue), see right by right whether they may act and why.

The answers are `permissions.explain()` / `explain_in_queue()`, the same decision `can()` takes,
so the page cannot disagree with what the panels and services do. Read-only (a GET form); open
to superusers and to staff who may view users, grants and tickets (`EXPLAINER_PERMISSIONS`).
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from accounts.models import Permission, User
from tickets import permissions
from tickets.models import Queue, Ticket

EXPLAINER_PERMISSIONS = ("accounts.view_user", "accounts.view_groupgrant", "tickets.view_ticket")


def may_use(user) -> bool:
    return bool(user.is_active and (user.is_superuser or user.has_perms(EXPLAINER_PERMISSIONS)))


class ExplainForm(forms.Form):
    user = forms.CharField(label=_("User"), max_length=254, help_text=_("Username, email address or id."))
    ticket = forms.CharField(
        label=_("Ticket"), max_length=40, required=False, help_text=_("Ticket number or id; or pick a queue.")
    )
    queue = forms.ModelChoiceField(label=_("Queue"), queryset=Queue.objects.order_by("name"), required=False)

    def clean_user(self) -> User:
        text = self.cleaned_data["user"].strip()
        match = Q(username=text) | Q(email__iexact=text)
        if text.isdigit():
            match |= Q(pk=int(text))
        found = list(User.objects.filter(match).select_related("company")[:2])
        if not found:
            raise forms.ValidationError(_("No user with that username, email address or id."))
        if len(found) > 1:
            exact = [u for u in found if u.username == text or str(u.pk) == text]
            if len(exact) != 1:
                raise forms.ValidationError(_("Several users match; give the username or the id."))
            found = exact
        return found[0]

    def clean_ticket(self) -> Ticket | None:
        text = self.cleaned_data["ticket"].strip()
        if not text:
            return None
        match = Q(number=text) | (Q(pk=int(text)) if text.isdigit() else Q())
        ticket = Ticket.objects.filter(match).select_related("queue__group", "owner", "customer", "company").first()
        if ticket is None:
            raise forms.ValidationError(_("No ticket with that number or id."))
        return ticket

    def clean(self):
        data = super().clean()
        if not self.errors and bool(data.get("ticket")) == bool(data.get("queue")):
            raise forms.ValidationError(_("Pick a ticket or a queue (one of them)."))
        return data


def explainer_view(request, admin_site):
    if not may_use(request.user):
        raise PermissionDenied
    form = ExplainForm(request.GET or None)
    verdicts, subject = None, None
    if form.is_valid():
        user, ticket, queue = form.cleaned_data["user"], form.cleaned_data["ticket"], form.cleaned_data["queue"]
        if ticket is not None:
            verdicts, subject = permissions.explain(user, ticket), ticket
        else:
            verdicts, subject = permissions.explain_in_queue(user, queue), queue
    labels = dict(Permission.choices)
    context = {
        **admin_site.each_context(request),
        "title": _("Permission explainer"),
        "form": form,
        "subject": subject,
        "explained": form.cleaned_data.get("user") if verdicts is not None else None,
        "rows": [(labels[v.perm], v) for v in verdicts or []],
    }
    return TemplateResponse(request, "admin/tickets/permission_explainer.html", context)


def urls(admin_site) -> list:
    view = admin_site.admin_view(lambda request: explainer_view(request, admin_site))
    return [path("explain/", view, name="tickets_permission_explainer")]
