"""The agent panel under /agent/ (namespace "agent")."""

from django.urls import path

from accounts.views import agent as auth
from tickets.views.agent import actions, compose, create, customers, dashboard, lists, notify, pdf, searches, time, zoom

app_name = "agent"

T = "tickets/<int:pk>/"

urlpatterns = [
    path("login/", auth.AgentLoginView.as_view(), name="login"),
    path("logout/", auth.AgentLogoutView.as_view(), name="logout"),
    path("password/", auth.password_change, name="password_change"),
    path("password/done/", auth.password_change_done, name="password_change_done"),
    path("password/reset/", auth.password_reset, name="password_reset"),
    path("password/reset/sent/", auth.password_reset_done, name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", auth.password_reset_confirm, name="password_reset_confirm"),
    path("password/reset/complete/", auth.password_reset_complete, name="password_reset_complete"),
    path("preferences/", auth.preferences, name="preferences"),
    path("", dashboard.dashboard, name="dashboard"),
    path("counters/", dashboard.counters, name="counters"),
    path("notify/", notify.poll, name="notify"),
    path("queues/", lists.ticket_list, {"scope": "queues"}, name="queues"),
    path("queues/<int:queue_id>/", lists.ticket_list, {"scope": "queues"}, name="queue"),
    path("status/", lists.ticket_list, {"scope": "status"}, name="status"),
    path("mine/", lists.ticket_list, {"scope": "mine"}, name="mine"),
    path("watched/", lists.ticket_list, {"scope": "watched"}, name="watched"),
    path("escalated/", lists.ticket_list, {"scope": "escalated"}, name="escalated"),
    path("reminders/", lists.ticket_list, {"scope": "reminders"}, name="reminders"),
    path("bulk/", lists.bulk, name="bulk"),
    path("searches/", searches.save_search, name="save_search"),
    path("searches/<int:search_id>/delete/", searches.delete_search, name="delete_search"),
    path("new/<str:kind>/", create.create_ticket, name="create"),
    path("customers/search/", create.customer_search, name="customer_search"),
    path("customers/new/", create.customer_create, name="customer_create"),
    path(T, zoom.ticket_zoom, name="ticket"),
    path(T + "articles/", zoom.older_articles, name="older_articles"),
    path(T + "articles/<int:article_id>/raw/", zoom.raw_email, name="raw_email"),
    path(T + "articles/<int:article_id>/resend/", zoom.resend, name="resend"),
    path(T + "articles/<int:article_id>/split/", actions.split, name="split"),
    path(T + "attachments/<int:attachment_id>/", zoom.attachment_download, name="attachment"),
    path(T + "print/", pdf.ticket_pdf, name="print"),
    path(T + "invite-customer/", customers.invite, name="invite_customer"),
    path(T + "undeliverable/clear/", customers.clear_undeliverable_mark, name="clear_undeliverable"),
    path(T + "compose/<str:kind>/", compose.compose, name="compose"),
    path(T + "canned/<int:canned_id>/", compose.canned_text, name="canned"),
    path(T + "lock/", actions.lock, name="lock"),
    path(T + "unlock/", actions.unlock, name="unlock"),
    path(T + "owner/", actions.owner, name="owner"),
    path(T + "responsible/", actions.responsible, name="responsible"),
    path(T + "move/", actions.move, name="move"),
    path(T + "state/", actions.state, name="state"),
    path(T + "priority/", actions.priority, name="priority"),
    path(T + "category/", actions.category, name="category"),
    path(T + "field/", actions.custom_field, name="custom_field"),
    path(T + "tags/add/", actions.add_tags, name="add_tags"),
    path(T + "tags/remove/", actions.remove_tags, name="remove_tags"),
    path(T + "watch/", actions.watch, name="watch"),
    path(T + "unwatch/", actions.unwatch, name="unwatch"),
    path(T + "link/", actions.link, name="link"),
    path(T + "unlink/", actions.unlink, name="unlink"),
    path(T + "merge/", actions.merge, name="merge"),
    path(T + "time/", actions.account_time, name="time"),
    path(T + "time/<int:entry_id>/edit/", time.edit_entry, name="time_edit"),
    path(T + "time/<int:entry_id>/delete/", time.delete_entry, name="time_delete"),
]
