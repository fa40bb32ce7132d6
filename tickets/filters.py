"""The agent's ticket list filters (django-filter). Only the fields declared here are accepted.

Every choice list is limited to what the agent may see, so a filter never reveals a queue
or ticket outside the agent's groups.
"""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Company, User
from tickets import permissions as perms
from tickets import queries, reference
from tickets.catalog import OPEN_STATE_TYPES
from tickets.models import Category, Priority, State, Tag, Ticket
from tickets.queries import escalated_q

# Choice fields whose rows come from the per-process copy (tickets.reference), no query.
REFERENCE_CHOICES = {
    "state": reference.active_states,
    "priority": reference.priorities,
    "type": reference.ticket_types,
}
STATUS_CHOICES = [("open", _("open")), ("closed", _("closed")), ("all", _("all"))]


class TicketFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Number or title"), method="filter_text")
    status = django_filters.ChoiceFilter(label=_("Open/closed"), choices=STATUS_CHOICES, method="filter_status")
    # A ticket has one queue, state and priority: no DISTINCT (django-filter's default for multiple
    # choices), which made PostgreSQL sort every matching ticket, whole rows, before the page's LIMIT
    # (a queue over all states: 180,000 rows, 2 s at a million tickets).
    queue = django_filters.ModelMultipleChoiceFilter(label=_("Queue"), queryset=None, distinct=False)
    state = django_filters.ModelMultipleChoiceFilter(
        label=_("State"), queryset=State.objects.filter(is_active=True), distinct=False
    )
    priority = django_filters.ModelMultipleChoiceFilter(
        label=_("Priority"), queryset=Priority.objects.all(), distinct=False
    )
    owner = django_filters.ModelChoiceFilter(label=_("Owner"), queryset=User.agents.filter(is_active=True))
    responsible = django_filters.ModelChoiceFilter(label=_("Responsible"), queryset=User.agents.filter(is_active=True))
    customer = django_filters.CharFilter(label=_("Customer"), method="filter_customer")
    company = django_filters.CharFilter(label=_("Company"), method="filter_company")
    category = django_filters.ModelChoiceFilter(
        label=_("Category"), queryset=Category.objects.filter(is_active=True).select_related("parent")
    )
    tags = django_filters.ModelMultipleChoiceFilter(
        label=_("Tags"), queryset=Tag.objects.all(), to_field_name="name", method="filter_tags"
    )
    created = django_filters.DateFromToRangeFilter(
        label=_("Created"), widget=django_filters.widgets.RangeWidget(attrs={"type": "date"})
    )
    updated = django_filters.DateFromToRangeFilter(
        label=_("Updated"), widget=django_filters.widgets.RangeWidget(attrs={"type": "date"})
    )
    escalated = django_filters.BooleanFilter(
        label=_("Escalated"), method="filter_escalated", widget=forms.CheckboxInput
    )

    class Meta:
        model = Ticket
        fields: list[str] = []

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["queue"].queryset = perms.queues_for(user, perms.RO)
        for name in ("owner", "responsible"):
            self.filters[name].field.label_from_instance = lambda u: u.display_name()

    @property
    def form(self):
        """The form, built when first asked for (after a subclass added its filters), its state,
        priority and type choices from the per-process copy (tickets.reference)."""
        built = hasattr(self, "_form")
        form = super().form
        if not built:
            for name, rows in REFERENCE_CHOICES.items():
                if name in form.fields:  # "type": the search page's filter (a subclass)
                    reference.fill(form.fields[name], rows())
        return form

    def filter_text(self, qs, name, value):
        """A ticket number ("2026…", "#2026…", "Ticket#2026…") finds that ticket; other text searches titles.

        `number = q OR title LIKE '%q%'` can use no index and read every ticket of the list (0.6-1.3 s
        over all states at a million tickets). Digits are looked up as a number first (the unique
        index, one small query); only if no ticket has that number are they searched in titles.
        """
        value = value.strip()
        if not value:
            return qs
        number = queries.number_in(value)
        if number and Ticket.objects.filter(number=number).exists():
            return qs.filter(number=number)
        return qs.filter(title__icontains=value)

    def filter_status(self, qs, name, value):
        # The ticket's own flag, not the state join nor the open states' ids: its partial index keeps the
        # open tickets in `updated` order (tickets/services/sort_keys.py).
        if value == "open":
            return qs.filter(in_open_state=True)
        if value == "closed":
            return qs.filter(in_open_state=False)
        return qs

    # Customers and companies are looked up first (one small query): matching through the join
    # leaves PostgreSQL unable to guess how few tickets match, and it walks the whole list instead.
    LOOKUP_CAP = 500

    def filter_customer(self, qs, name, value):
        value = value.strip()
        match = Q(username__iexact=value) | Q(email__icontains=value) | Q(last_name__icontains=value)
        return self._by_ids(qs, "customer_id", User.customers.filter(match)) if value else qs

    def filter_company(self, qs, name, value):
        value = value.strip()
        return self._by_ids(qs, "company_id", Company.objects.filter(name__icontains=value)) if value else qs

    def _by_ids(self, qs, column, matches):
        return qs.filter(**{f"{column}__in": list(matches.values_list("pk", flat=True)[: self.LOOKUP_CAP])})

    def filter_tags(self, qs, name, value):
        if not value:
            return qs
        through = Ticket.tags.through.objects.filter(tag__in=value).values("ticket_id")
        return qs.filter(pk__in=through)

    def filter_escalated(self, qs, name, value):
        if not value:
            return qs
        return qs.filter(escalated_q(timezone.now()), state__type__in=OPEN_STATE_TYPES)  # as the Escalations view
