"""One small form per ticket action; each carries the ticket version it was based on."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from tickets import permissions as perms
from tickets import queries, reference
from tickets.forms.time import EntryFields
from tickets.models import Category, CustomField, Priority, State, StateType, Ticket, TicketLink
from tickets.pending import default_pending_until
from tickets.services.seen import Seen

PENDING_HELP = _("For pending and waiting states; empty: the next business day at opening time.")


def offered_pending_until(ticket: Ticket):
    """What a form offers: the ticket's pending time if it has one, else the next business day's opening."""
    return ticket.pending_until or default_pending_until(ticket.queue)


class VersionForm(forms.Form):
    """Every action form: the version of the ticket the agent saw."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, ticket: Ticket, user, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("version", ticket.version)
        super().__init__(*args, **kwargs)
        self.ticket, self.user = ticket, user


class SeenForm(VersionForm):
    """A change of the state, queue or owner: also carries what the form showed of them (tickets.services.seen).

    Without `seen` (an older page, a script) the version check applies as before.
    """

    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("seen", Seen.of(self.ticket).encode())

    def clean_seen(self) -> Seen | None:
        value = self.cleaned_data.get("seen")
        if not value:
            return None
        try:
            return Seen.decode(value)
        except ValueError:
            raise forms.ValidationError(_("The form is damaged; reload the page.")) from None


def conflict_check(data: dict) -> dict:
    """The service's keywords for SeenForm data: compare the field if the form says what it showed, else the version."""
    return {"seen": data["seen"]} if data.get("seen") else {"expected_version": data["version"]}


def _agent_label(user):
    return user.display_name()


class OwnerForm(SeenForm):
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.agents.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        owners = perms.agents_with(perms.OWNER, self.ticket.queue)
        self.fields["owner"].queryset = owners.order_by("username")
        self.fields["owner"].label_from_instance = _agent_label
        self.fields["owner"].empty_label = _("— nobody —")
        self.initial.setdefault("owner", self.ticket.owner_id)


class ResponsibleForm(VersionForm):
    responsible = forms.ModelChoiceField(label=_("Responsible"), queryset=User.agents.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        seeing = perms.agents_with(perms.RO, self.ticket.queue)
        self.fields["responsible"].queryset = seeing.order_by("username")
        self.fields["responsible"].label_from_instance = _agent_label
        self.fields["responsible"].empty_label = _("— nobody —")
        self.initial.setdefault("responsible", self.ticket.responsible_id)


class MoveForm(SeenForm):
    queue = forms.ModelChoiceField(label=_("Queue"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["queue"].queryset = perms.queues_for(self.user, perms.MOVE_INTO).filter(is_active=True)
        self.initial.setdefault("queue", self.ticket.queue_id)


class StateForm(SeenForm):
    state = forms.ModelChoiceField(
        label=_("State"), queryset=State.objects.filter(is_active=True).exclude(type=StateType.MERGED)
    )
    pending_until = forms.DateTimeField(
        label=_("Pending until"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        help_text=PENDING_HELP,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        reference.fill(self.fields["state"], reference.settable_states())
        self.initial.setdefault("state", self.ticket.state_id)
        if not self.is_bound:
            self.initial.setdefault("pending_until", offered_pending_until(self.ticket))

    def clean(self):
        data = super().clean()
        state = data.get("state")
        if state and state.is_pending and not data.get("pending_until"):
            data["pending_until"] = default_pending_until(self.ticket.queue)
        return data


class PriorityForm(VersionForm):
    priority = forms.ModelChoiceField(label=_("Priority"), queryset=Priority.objects.all())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        reference.fill(self.fields["priority"], reference.priorities())
        self.initial.setdefault("priority", self.ticket.priority_id)


class CategoryForm(VersionForm):
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.filter(is_active=True).select_related("parent"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("category", self.ticket.category_id)


class TagForm(VersionForm):
    names = forms.CharField(label=_("Tags"), max_length=500, help_text=_("Comma-separated"))

    def clean_names(self):
        names = [n.strip() for n in self.cleaned_data["names"].split(",") if n.strip()]
        if not names:
            raise forms.ValidationError(_("Enter at least one tag."))
        return names


class CustomFieldForm(VersionForm):
    field = forms.ModelChoiceField(label=_("Field"), queryset=CustomField.objects.filter(is_active=True))
    value = forms.CharField(label=_("Value"), max_length=500, required=False)


class WatcherForm(VersionForm):
    """Add or remove a watcher: the agents who see the ticket, and those watching it now (to remove them)."""

    user = forms.ModelChoiceField(label=_("Agent"), queryset=User.agents.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        seeing = perms.agents_with(perms.RO, self.ticket.queue)
        watching = User.agents.filter(pk__in=self.ticket.watchers.values("pk"))
        self.fields["user"].queryset = (seeing | watching).order_by("username")


class TicketNumberField(forms.CharField):
    """A ticket number the agent may see, cleaned into the ticket."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 40)
        super().__init__(*args, **kwargs)


def find_ticket(user, number: str, perm=perms.RO):
    ticket = queries.ticket_by_number(user, number, perm)
    if ticket is None:
        raise forms.ValidationError(_("No ticket with that number that you can see."))
    return ticket


class LinkForm(VersionForm):
    number = TicketNumberField(label=_("Ticket number"))
    kind = forms.ChoiceField(label=_("Link kind"), choices=TicketLink.Kind.choices)

    def clean_number(self):
        return find_ticket(self.user, self.cleaned_data["number"])


class MergeForm(VersionForm):
    number = TicketNumberField(label=_("Merge into ticket number"))

    def clean_number(self):
        return find_ticket(self.user, self.cleaned_data["number"], perms.RW)


class TimeForm(VersionForm, EntryFields):
    """A new time entry; the day defaults to today in the agent's time zone (the panel activates it)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worked_on"].required = False
        self.fields["worked_on"].initial = timezone.localdate()


class SplitForm(VersionForm):
    title = forms.CharField(label=_("Title of the new ticket"), max_length=255, required=False)
