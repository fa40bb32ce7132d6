"""Writing articles: reply by email, internal note, phone note, forward; and creating tickets as an agent."""

from django import forms
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from accounts.models import Company, User
from tickets import permissions as perms
from tickets.forms.actions import PENDING_HELP, SeenForm, offered_pending_until
from tickets.models import CannedResponse, Category, Priority, State, StateType
from tickets.pending import default_pending_until
from tickets.storage import FileInput

MAX_UPLOAD = 25 * 1024 * 1024


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        cleaned = [super(MultipleFileField, self).clean(f, initial) for f in files]
        for f in cleaned:
            if f.size > MAX_UPLOAD:
                raise forms.ValidationError(_("%(name)s is larger than 25 MB.") % {"name": f.name})
        return cleaned


def addresses(value: str) -> str:
    """Comma-separated addresses, each checked; returned normalised."""
    parts = [p.strip() for p in (value or "").replace(";", ",").split(",") if p.strip()]
    for part in parts:
        address = part.rsplit("<", 1)[-1].rstrip(">").strip()
        try:
            validate_email(address)
        except forms.ValidationError:
            raise forms.ValidationError(_("“%(value)s” is not an email address.") % {"value": part}) from None
        if "\n" in part or "\r" in part:
            raise forms.ValidationError(_("Addresses cannot contain line breaks."))
    return ", ".join(parts)


def next_state_field():
    return forms.ModelChoiceField(
        label=_("Next state"),
        queryset=State.objects.filter(is_active=True).exclude(type__in=[StateType.MERGED, StateType.NEW]),
        required=False,
        empty_label=_("— unchanged —"),
    )


def to_file_inputs(files) -> list[FileInput]:
    return [FileInput(f.name, f.read(), f.content_type or "application/octet-stream") for f in files]


class ArticleForm(SeenForm):
    """The fields every article action shares; `kind` decides which address fields exist."""

    KINDS_WITH_ADDRESSES = ("reply", "forward")

    to = forms.CharField(label=_("To"), max_length=2000)
    cc = forms.CharField(label=_("Cc"), max_length=2000, required=False)
    subject = forms.CharField(label=_("Subject"), max_length=500)
    canned = forms.ModelChoiceField(
        label=_("Canned response"), queryset=CannedResponse.objects.none(), required=False, empty_label=_("— insert —")
    )
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 12}), max_length=200_000)
    attachments = MultipleFileField(label=_("Attachments"))
    next_state = next_state_field()
    pending_until = forms.DateTimeField(
        label=_("Pending until"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        help_text=PENDING_HELP,
    )
    time_minutes = forms.DecimalField(
        label=_("Time spent (minutes)"), min_value=0, max_digits=8, decimal_places=2, required=False
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind not in self.KINDS_WITH_ADDRESSES:
            del self.fields["to"], self.fields["cc"]
        if kind != "reply":
            del self.fields["canned"]
        else:
            self.fields["canned"].queryset = CannedResponse.objects.for_queue(self.ticket.queue)
        if kind == "forward":
            del self.fields["next_state"], self.fields["pending_until"]
        elif not self.is_bound:
            self.initial.setdefault("pending_until", offered_pending_until(self.ticket))

    def clean_to(self):
        value = addresses(self.cleaned_data["to"])
        if not value:
            raise forms.ValidationError(_("Enter at least one recipient."))
        return value

    def clean_cc(self):
        return addresses(self.cleaned_data.get("cc", ""))

    def clean(self):
        data = super().clean()
        state = data.get("next_state")
        if state and state.is_pending and not data.get("pending_until"):
            data["pending_until"] = default_pending_until(self.ticket.queue)
        return data


class TicketCreateForm(forms.Form):
    """An agent opens a ticket: a phone call that came in, or an email going out."""

    customer = forms.ModelChoiceField(label=_("Customer"), queryset=User.customers.filter(is_active=True))
    queue = forms.ModelChoiceField(label=_("Queue"), queryset=None)
    title = forms.CharField(label=_("Subject"), max_length=255)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 10}), max_length=200_000)
    priority = forms.ModelChoiceField(label=_("Priority"), queryset=Priority.objects.all(), required=False)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.filter(is_active=True), required=False
    )
    next_state = next_state_field()
    attachments = MultipleFileField(label=_("Attachments"))
    time_minutes = forms.DecimalField(
        label=_("Time spent (minutes)"), min_value=0, max_digits=8, decimal_places=2, required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["queue"].queryset = perms.queues_for(user, perms.CREATE).filter(is_active=True)
        self.fields["customer"].widget = forms.HiddenInput()
        self.fields["customer"].error_messages["required"] = _("Choose a customer (search, or create one below).")


class NewCustomerForm(forms.Form):
    """Create a customer inline while opening a ticket."""

    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email"))
    company = forms.ModelChoiceField(label=_("Company"), queryset=None, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = Company.objects.filter(is_active=True)

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(username__iexact=email).exists() or User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("A user with this address exists already; search for them instead."))
        return email
