from django.urls import path

from accounts.views import customer as account_views
from tickets.views.customer import public, tickets

app_name = "customer"
urlpatterns: list = [
    path("", tickets.ticket_list, name="tickets"),
    path("tickets/new/", tickets.ticket_new, name="ticket_new"),
    path("tickets/<int:pk>/", tickets.ticket_detail, name="ticket"),
    path("tickets/<int:pk>/reply/", tickets.ticket_reply, name="ticket_reply"),
    path("tickets/<int:pk>/close/", tickets.ticket_close, name="ticket_close"),
    path("tickets/<int:pk>/reopen/", tickets.ticket_reopen, name="ticket_reopen"),
    path("tickets/<int:pk>/rate/", tickets.ticket_rate, name="ticket_rate"),
    path("tickets/<int:pk>/attachments/<int:attachment_pk>/", tickets.attachment_download, name="attachment"),
    path("login/", account_views.CustomerLoginView.as_view(), name="login"),
    path("logout/", account_views.logout_view, name="logout"),
    path("language/", account_views.set_language, name="set_language"),
    path("password-reset/", account_views.password_reset, name="password_reset"),
    path("password-reset/sent/", account_views.password_reset_done, name="password_reset_done"),
    path("set-password/<uidb64>/<token>/", account_views.set_password, name="set_password"),
    path("rate/<str:token>/", public.rate, name="rate"),
    path("register/", account_views.register, name="register"),
    path("status/", public.status_request, name="status_request"),
    path("status/<str:token>/", public.ticket_status, name="ticket_status"),
    path("status/<str:token>/attachments/<int:attachment_pk>/", public.status_attachment, name="status_attachment"),
]
