"""The agent search page's criteria: the list filters (tickets/filters.py) and what only a search asks
for (state type, type, article author, recipient, closed dates, custom fields). All combine (AND).

The words (`q`) are not a filter here: the page applies them with tickets.search.matching, which
also ranks; every criterion narrows the same query, so the permission filter, the criteria and
the full-text match stay one SQL statement.
"""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from tickets.catalog import StateType
from tickets.filters import TicketFilter
from tickets.models import Article, CustomField, CustomFieldValue, TicketType
from tickets.search import with_recipient

CUSTOM_PREFIX = "cf_"


class TicketSearchFilter(TicketFilter):
    q = django_filters.CharFilter(label=_("Words"), method="filter_words")
    state_type = django_filters.MultipleChoiceFilter(
        label=_("State type"), choices=StateType.choices, field_name="state__type", distinct=False
    )
    type = django_filters.ModelChoiceFilter(label=_("Type"), queryset=TicketType.objects.all())
    author = django_filters.CharFilter(label=_("Article author"), method="filter_author")
    recipient = django_filters.CharFilter(label=_("Recipient address (To/Cc)"), method="filter_recipient")
    closed = django_filters.DateFromToRangeFilter(
        label=_("Closed"), field_name="closed_at", widget=django_filters.widgets.RangeWidget(attrs={"type": "date"})
    )

    def __init__(self, *args, custom_fields: list[CustomField] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("queue", "state", "priority"):  # many-to-one: no duplicate rows, and DISTINCT would
            self.filters[name].distinct = False  # sort every match before the page's LIMIT
        self.custom_fields = (
            list(CustomField.objects.filter(is_active=True)) if custom_fields is None else custom_fields
        )
        for field in self.custom_fields:
            self.filters[CUSTOM_PREFIX + field.name] = self._custom_filter(field)

    @staticmethod
    def _custom_filter(field: CustomField):
        def apply(qs, name, value):
            return qs.filter(pk__in=custom_field_matches(field, value)) if value not in (None, "") else qs

        if field.kind == CustomField.Kind.CHOICE:
            return django_filters.ChoiceFilter(
                label=field.label, choices=[(c, c) for c in field.choices or []], method=apply
            )
        if field.kind == CustomField.Kind.NUMBER:
            return django_filters.NumberFilter(label=field.label, method=apply)
        if field.kind == CustomField.Kind.DATE:
            return django_filters.DateFilter(
                label=field.label, method=apply, widget=forms.DateInput(attrs={"type": "date"})
            )
        return django_filters.CharFilter(label=field.label, method=apply)

    def filter_words(self, qs, name, value):
        return qs  # applied (and ranked) by the page, see the module's docstring

    def filter_author(self, qs, name, value):
        value = value.strip()
        if not value:
            return qs
        match = (
            Q(username__iexact=value)
            | Q(email__icontains=value)
            | Q(last_name__icontains=value)
            | Q(first_name__icontains=value)
        )
        authors = list(User.objects.filter(match).values_list("pk", flat=True)[: self.LOOKUP_CAP])
        return qs.filter(pk__in=Article.objects.filter(author_id__in=authors).values("ticket_id"))

    def filter_recipient(self, qs, name, value):
        return with_recipient(qs, value) if value.strip() else qs


def custom_field_matches(field: CustomField, value):
    """The ticket ids whose `field` holds `value` (text: case-insensitive, whole value)."""
    values = CustomFieldValue.objects.filter(field=field)
    if field.kind == CustomField.Kind.NUMBER:
        values = values.filter(value_number=value)
    elif field.kind == CustomField.Kind.DATE:
        values = values.filter(value_date=value)
    else:
        values = values.filter(value_text__iexact=str(value).strip())
    return values.values("ticket_id")
