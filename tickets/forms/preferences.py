"""The agent's personal preferences."""

import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User


class PreferencesForm(forms.ModelForm):
    timezone = forms.ChoiceField(label=_("Time zone"), choices=[])

    class Meta:
        model = User
        fields = [
            "language",
            "timezone",
            *User.AGENT_PREFERENCES,
            "signature",
        ]
        widgets = {"signature": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = [(z, z) for z in sorted(zoneinfo.available_timezones())]
