"""The bulk action bar of the ticket lists."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from tickets import permissions as perms
from tickets import reference
from tickets.forms.actions import PENDING_HELP, find_ticket
from tickets.models import Priority, State, StateType

ACTIONS = [
    ("lock", _("Lock")),
    ("unlock", _("Unlock")),
    ("move", _("Move to queue")),
    ("state", _("Set state")),
    ("priority", _("Set priority")),
    ("owner", _("Set owner")),
    ("merge", _("Merge into ticket")),
    ("close", _("Close")),
]
NEEDS = {"move": "queue", "state": "state", "priority": "priority", "owner": "owner", "merge": "merge_into"}


class BulkForm(forms.Form):
    tickets = forms.TypedMultipleChoiceField(coerce=int, choices=[], required=True)
    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    queue = forms.ModelChoiceField(label=_("Queue"), queryset=None, required=False)
    state = forms.ModelChoiceField(
        label=_("State"), queryset=State.objects.filter(is_active=True).exclude(type=StateType.MERGED), required=False
    )
    pending_until = forms.DateTimeField(
        label=_("Pending until"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M"],
        help_text=PENDING_HELP,
    )
    priority = forms.ModelChoiceField(label=_("Priority"), queryset=Priority.objects.all(), required=False)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.agents.filter(is_active=True), required=False)
    merge_into = forms.CharField(label=_("Ticket number"), max_length=40, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["queue"].queryset = perms.queues_for(user, perms.MOVE_INTO).filter(is_active=True)
        reference.fill(self.fields["state"], reference.settable_states())
        reference.fill(self.fields["priority"], reference.priorities())
        self.fields["owner"].label_from_instance = lambda u: u.display_name()
        self.fields["tickets"].error_messages["required"] = _("Select at least one ticket.")
        for name in ("queue", "state", "priority", "owner"):
            self.fields[name].widget.attrs.update({"class": "form-select form-select-sm w-auto"})
            self.fields[name].empty_label = f"— {self.fields[name].label} —"
        self.fields["pending_until"].widget.attrs.update({"class": "form-control form-control-sm w-auto"})

    def clean_tickets(self):
        return self.cleaned_data["tickets"]

    def full_clean(self):
        # Ticket ids are checked against the agent's tickets in the view, not against a choice list.
        self.fields["tickets"].valid_value = lambda value: True
        super().full_clean()

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == "close":
            data["state"] = State.objects.closed()
        needed = NEEDS.get(action)
        if needed and not data.get(needed) and action != "owner":
            self.add_error(needed, _("This action needs a value."))
        if action == "merge" and data.get("merge_into"):
            try:
                data["merge_target"] = find_ticket(self.user, data["merge_into"], perms.RW)
            except forms.ValidationError as exc:
                self.add_error("merge_into", exc)
        return data  # a pending state without a time: each ticket's own default (tickets.pending), in the view
