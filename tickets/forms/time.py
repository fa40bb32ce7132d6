"""Time accounting in the zoom: the fields of one time entry, for a new entry and for changing one."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

DAY_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EntryFields(forms.Form):
    minutes = forms.DecimalField(label=_("Minutes"), min_value=Decimal("0.01"), max_digits=8, decimal_places=2)
    worked_on = forms.DateField(label=_("Day worked"), widget=DAY_WIDGET)
    billable = forms.BooleanField(label=_("Billable"), required=False, initial=True)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class TimeEntryForm(EntryFields):
    """Changing an entry: every field as it should be afterwards."""
