"""Forms of the customer panel. They validate and clean; views call the services."""

from pathlib import PurePath

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tickets.models import Category, Priority
from tickets.storage import FileInput

# Files a helpdesk never accepts from the web: programs and scripts that run when opened.
BLOCKED_EXTENSIONS = frozenset(
    "exe com bat cmd scr pif msi msp dll cpl jar js jse vbs vbe wsf wsh hta ps1 psm1 sh app apk reg lnk iso".split()
)
BLOCKED_CONTENT_TYPES = frozenset(
    {
        "application/x-msdownload",
        "application/x-msdos-program",
        "application/x-dosexec",
        "application/x-sh",
        "application/java-archive",
        "application/vnd.microsoft.portable-executable",
    }
)
MAX_FILES = 10


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Zero or more files, each under the size limit and of an allowed type."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(
                ngettext("Attach at most %(n)d file.", "Attach at most %(n)d files.", MAX_FILES) % {"n": MAX_FILES}
            )
        limit_mb = settings.HELPDESK_MAX_ATTACHMENT_MB
        errors = []
        for f in files:
            ext = PurePath(f.name or "").suffix.lower().lstrip(".")
            if f.size > limit_mb * 1024 * 1024:
                errors.append(
                    _("“%(name)s” is too large (%(size).1f MB); the limit is %(limit)d MB per file.")
                    % {"name": f.name, "size": f.size / 1024 / 1024, "limit": limit_mb}
                )
            elif ext in BLOCKED_EXTENSIONS or (f.content_type or "").lower() in BLOCKED_CONTENT_TYPES:
                errors.append(
                    _("“%(name)s” cannot be attached: programs and scripts (.%(ext)s) are not accepted.")
                    % {"name": f.name, "ext": ext or "?"}
                )
        if errors:
            raise forms.ValidationError(errors)
        return files


def file_inputs(files) -> list[FileInput]:
    return [FileInput(f.name, f.read(), f.content_type or "application/octet-stream") for f in files]


class HoneypotMixin(forms.Form):
    # Invisible to people (hidden by customer.css and aria-hidden); bots fill every field.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off", "aria-hidden": "true"}),
    )

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(
                _("This request looks automated and was not sent. Please leave the hidden field empty.")
            )
        return ""


class NewTicketForm(HoneypotMixin):
    subject = forms.CharField(label=_("Subject"), max_length=255)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 8}))
    queue = forms.ModelChoiceField(label=_("Department"), queryset=None, empty_label=None)
    category = forms.ModelChoiceField(label=_("Category"), queryset=None, required=False)
    priority = forms.ModelChoiceField(label=_("Priority"), queryset=None, required=False)
    attachments = AttachmentsField(label=_("Attachments"))
    nonce = forms.CharField(widget=forms.HiddenInput)

    field_order = ["subject", "queue", "category", "priority", "description", "attachments"]

    def __init__(self, *args, queues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["queue"].queryset = queues
        self.fields["category"].queryset = Category.objects.filter(is_active=True).select_related("parent")
        if settings.HELPDESK_CUSTOMER_CAN_SET_PRIORITY:
            self.fields["priority"].queryset = Priority.objects.all()
            self.fields["priority"].empty_label = _("Normal")
        else:
            del self.fields["priority"]
        if not self.fields["category"].queryset.exists():
            del self.fields["category"]

    def clean_subject(self):
        subject = self.cleaned_data["subject"].strip()
        if not subject:
            raise forms.ValidationError(_("Please enter a subject."))
        return subject

    def clean_description(self):
        text = self.cleaned_data["description"].strip()
        if not text:
            raise forms.ValidationError(_("Please describe your request."))
        return text


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 5}))
    attachments = AttachmentsField(label=_("Attachments"))

    def clean_body(self):
        text = self.cleaned_data["body"].strip()
        if not text:
            raise forms.ValidationError(_("Please write a reply."))
        return text


class RatingForm(forms.Form):
    SCORES = [(5, _("5 – excellent")), (4, _("4 – good")), (3, _("3 – fair")), (2, _("2 – poor")), (1, _("1 – bad"))]

    score = forms.TypedChoiceField(
        label=_("How satisfied are you?"), choices=SCORES, coerce=int, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class TicketFilterForm(forms.Form):
    STATUS = [("open", _("Open")), ("closed", _("Closed")), ("all", _("All"))]
    SCOPE = [("mine", _("My requests")), ("company", _("My company's requests"))]

    status = forms.ChoiceField(choices=STATUS, required=False)
    scope = forms.ChoiceField(choices=SCOPE, required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=100)


class StatusRequestForm(forms.Form):
    email = forms.EmailField(label=_("Your email address"))
    number = forms.CharField(label=_("Request number"), max_length=40)

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()
