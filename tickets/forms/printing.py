"""What to print of a ticket: all or part of the thread, with or without the attachment list."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class PrintForm(forms.Form):
    """Read from the query string of the print URL; every field is optional."""

    # Hidden inputs read "0" and "false" as no (a checkbox widget would read any text as yes).
    full = forms.BooleanField(required=False, widget=forms.HiddenInput)
    last = forms.IntegerField(label=_("Newest articles"), min_value=1, required=False)
    since = forms.DateField(label=_("First day"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Last day"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    no_attachments = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean_last(self):
        last = self.cleaned_data.get("last")
        return min(last, settings.HELPDESK_PDF_MAX_ARTICLES) if last else None

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date is before the start date."))
        return data
