"""Ticket admin: every change goes through tickets.services, with the admin user as actor.

Tickets are not created here (agents open them in the agent panel, where the first article,
the customer and the channel are entered) and not deleted (a ticket is closed, or rejected
as spam, through its state). Edits of the fields below, the bulk actions and the links
inline each call the service function for that change, so history is written and the
user's queue rights and locks are checked; a refused change re-shows the form with the
reason and saves nothing.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tickets import permissions, services
from tickets.admin import explainer
from tickets.admin.refusals import ServiceRefusalMixin
from tickets.errors import TicketError
from tickets.models import Article, Queue, State, StateType, Ticket, TicketClockSegment, TicketHistory, TicketLink

# (form field, service function, keyword of the new value), in the order they are applied:
# the queue before the owner (who may only have rights in the new queue), the state last.
SIMPLE_CHANGES = [
    ("title", services.set_title, "title"),
    ("type", services.set_type, "type"),
    ("category", services.set_category, "category"),
    ("priority", services.set_priority, "priority"),
    ("queue", services.move_queue, "queue"),
    ("owner", services.assign_owner, "owner"),
    ("responsible", services.set_responsible, "responsible"),
]
SLA_AND_TIMES = [
    "sla",
    "first_response_due",
    "update_due",
    "solution_due",
    "escalation_at",
    "sla_check_at",
    "clock_timeline",
    "created",
    "updated",
    "first_response_at",
    "closed_at",
    "time_accounted",
    "merged_into",
    "version",
]
AGENT_PANEL_URL_NAMES = ["agent:ticket_new", "agent:new_ticket", "agent:phone_ticket", "agent:dashboard"]


class TicketAdminForm(forms.ModelForm):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    refused_message = ""  # set by TicketAdmin when a service refused the change: re-shown as the form's error

    class Meta:
        model = Ticket
        fields = ["title", "queue", "state", "pending_until", "priority", "type", "category", "owner"]
        fields += ["responsible", "tags"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version
            self.limit_people(self.queue_for_people())

    def queue_for_people(self) -> Queue:
        """The queue whose agents may own the ticket: the posted one when the same form moves it."""
        posted = self.data.get(self.add_prefix("queue")) if self.is_bound else None
        if posted and str(posted) != str(self.instance.queue_id) and str(posted).isdigit():
            return Queue.objects.filter(pk=posted).first() or self.instance.queue
        return self.instance.queue

    def limit_people(self, queue: Queue) -> None:
        """Offer as owner and responsible only the agents the services accept (as the agent panel's forms do)."""
        for field, perm in (("owner", permissions.OWNER), ("responsible", permissions.RO)):
            if field in self.fields:
                self.fields[field].queryset = permissions.agents_with(perm, queue).order_by("username")

    def clean(self):
        cleaned = super().clean()
        if self.refused_message:
            raise ValidationError(self.refused_message)
        return cleaned


def apply_changes(*, ticket: Ticket, actor, data: dict, changed: list[str], expected_version=None) -> None:
    """Call one service per changed field; the first call carries the form's version."""
    version = expected_version
    for field, service, keyword in SIMPLE_CHANGES:
        if field in changed:
            service(ticket=ticket, actor=actor, expected_version=version, **{keyword: data[field]})
            version = None
    if "state" in changed or "pending_until" in changed:
        state = data["state"]
        services.change_state(
            ticket=ticket,
            actor=actor,
            state=state,
            pending_until=data.get("pending_until") if state.is_pending else None,
            expected_version=version,
        )
        version = None
    if "tags" in changed:
        wanted = {t.name for t in data["tags"]}
        have = set(ticket.tags.values_list("name", flat=True))
        if wanted - have:
            services.tag(ticket=ticket, actor=actor, names=sorted(wanted - have))
        if have - wanted:
            services.untag(ticket=ticket, actor=actor, names=sorted(have - wanted))


class ArticleInline(admin.TabularInline):
    model = Article
    fields = ["created", "sender_type", "channel", "author", "subject", "is_visible_to_customer", "time_accounted"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = gettext_lazy("articles (added in the agent panel)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class HistoryInline(ArticleInline):
    model = TicketHistory
    fields = ["created", "event", "field", "old_value", "new_value", "actor"]
    readonly_fields = fields
    show_change_link = False
    classes = ["collapse"]
    verbose_name_plural = gettext_lazy("history")

    def get_queryset(self, request):
        return admin.TabularInline.get_queryset(self, request).select_related("actor")


class LinkInline(admin.TabularInline):
    """Links from this ticket: added and removed through services.link / services.unlink."""

    model = TicketLink
    fk_name = "source"
    fields = ["kind", "target", "created_by", "created"]
    readonly_fields = ["created_by", "created"]
    raw_id_fields = ["target"]
    extra = 0
    verbose_name_plural = gettext_lazy("links to other tickets")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("target", "created_by")

    def has_change_permission(self, request, obj=None):
        return False  # a link is removed and added again, not edited


@admin.register(Ticket)
class TicketAdmin(ServiceRefusalMixin, admin.ModelAdmin):
    form = TicketAdminForm
    list_display = ["number", "title", "queue", "state", "priority", "owner", "customer", "is_locked", "updated"]
    list_display_links = ["number", "title"]
    list_filter = ["state__type", "state", "queue", "priority", "is_locked", "type", "created"]
    search_fields = ["=number", "title", "customer__email", "customer__username", "company__name"]
    list_select_related = ["queue", "state", "priority", "owner", "customer"]
    # Owner and responsible: a select of the agents the services accept on the ticket's queue (TicketAdminForm).
    autocomplete_fields = ["tags", "category"]

    def get_urls(self):
        return [*explainer.urls(self.admin_site), *super().get_urls()]

    date_hierarchy = "created"
    show_full_result_count = False
    list_per_page = 50
    readonly_fields = [
        "number",
        "customer",
        "company",
        "is_locked",
        "locked_at",
        "watchers_list",
        *SLA_AND_TIMES,
    ]
    fieldsets = [
        (None, {"fields": ["number", "title", "queue", "state", "pending_until", "priority", "type", "category"]}),
        (gettext_lazy("People"), {"fields": ["customer", "company", "owner", "responsible", "watchers_list"]}),
        (None, {"fields": ["tags", "is_locked", "locked_at", "expected_version"]}),
        (
            gettext_lazy("SLA and times"),
            {
                "classes": ["collapse"],
                "fields": SLA_AND_TIMES,
            },
        ),
    ]
    inlines = [LinkInline, ArticleInline, HistoryInline]
    actions = ["close_successful", "close_unsuccessful", "unlock_tickets"]

    @admin.display(description=gettext_lazy("SLA clock timeline"))
    def clock_timeline(self, obj):
        """Why a due time is where it is: each stretch the clocks ran, were paused or stopped."""
        segments = TicketClockSegment.objects.filter(ticket=obj).order_by("started", "id") if obj.pk else []
        return format_html_join(
            mark_safe("<br>"),
            "{} {} – {} ({})",
            ((s.get_clock_display(), s.started, s.ended or "…", s.reason) for s in segments),
        )

    def get_queryset(self, request):
        return permissions.tickets_for(request.user, permissions.RO).select_related(
            "queue", "state", "priority", "owner", "customer"
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("watchers"))
    def watchers_list(self, obj):
        return ", ".join(str(u) for u in obj.watchers.all()) or "–"

    def changelist_view(self, request, extra_context=None):
        extra_context = {"agent_panel_url": agent_panel_url(), **(extra_context or {})}
        if explainer.may_use(request.user):
            extra_context.setdefault("explainer_url", reverse("admin:tickets_permission_explainer"))
        return super().changelist_view(request, extra_context)

    # Saving: services only, and a refusal re-shows the form (ServiceRefusalMixin).

    def save_model(self, request, obj, form, change):
        apply_changes(
            ticket=obj,
            actor=request.user,
            data=form.cleaned_data,
            changed=form.changed_data,
            expected_version=form.cleaned_data.get("expected_version"),
        )

    def save_related(self, request, form, formsets, change):
        # Not form.save_m2m(): tags went through the services in save_model.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        formset.save(commit=False)  # writes nothing; the other inlines are read-only
        if formset.model is not TicketLink:
            return
        for link in formset.deleted_objects:
            services.unlink(source=form.instance, target=link.target, kind=link.kind, actor=request.user)
        for link in formset.new_objects:
            services.link(source=form.instance, target=link.target, kind=link.kind, actor=request.user)

    # Bulk actions, one service call per ticket.

    def _bulk(self, request, queryset, change, done_message):
        done, failures = 0, []
        for ticket in queryset:
            try:
                with transaction.atomic():
                    change(ticket)
                done += 1
            except TicketError as exc:
                failures.append(f"{ticket.number}: {exc}")
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)
        for failure in failures:
            self.message_user(request, _("Not changed: %(reason)s") % {"reason": failure}, messages.ERROR)

    def _close(self, request, queryset, name):
        state = State.objects.filter(type=StateType.CLOSED, name=name, is_active=True).first()
        state = state or State.objects.closed()
        if state is None:
            self.message_user(request, _("No active closed state is defined."), messages.ERROR)
            return
        self._bulk(
            request,
            queryset,
            lambda t: services.change_state(ticket=t, actor=request.user, state=state),
            lambda count: _("%(count)d ticket(s) set to “%(state)s”.") % {"count": count, "state": state.name},
        )

    @admin.action(description=gettext_lazy("Close (closed successful)"))
    def close_successful(self, request, queryset):
        self._close(request, queryset, "closed successful")

    @admin.action(description=gettext_lazy("Close (closed unsuccessful)"))
    def close_unsuccessful(self, request, queryset):
        self._close(request, queryset, "closed unsuccessful")

    @admin.action(description=gettext_lazy("Unlock"))
    def unlock_tickets(self, request, queryset):
        self._bulk(
            request,
            queryset,
            lambda t: services.unlock(ticket=t, actor=request.user),
            lambda count: _("%(count)d ticket(s) unlocked.") % {"count": count},
        )

    def get_actions(self, request):
        actions = super().get_actions(request)
        for queue in permissions.queues_for(request.user, permissions.MOVE_INTO).filter(is_active=True):
            name = f"move_to_queue_{queue.pk}"
            actions[name] = (self._move_action(queue), name, _("Move to queue “%(queue)s”") % {"queue": queue})
        return actions

    def _move_action(self, queue: Queue):
        def move(modeladmin, request, queryset):
            modeladmin._bulk(
                request,
                queryset,
                lambda t: services.move_queue(ticket=t, actor=request.user, queue=queue),
                lambda count: _("%(count)d ticket(s) moved to “%(queue)s”.") % {"count": count, "queue": queue.name},
            )

        return move


def agent_panel_url() -> str:
    for name in AGENT_PANEL_URL_NAMES:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return "/agent/"
