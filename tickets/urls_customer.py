from django.urls import path

from tickets.views.customer import public

app_name = "customer"
urlpatterns: list = [
    path("rate/<str:token>/", public.rate, name="rate"),
    path("status/<str:token>/", public.ticket_status, name="ticket_status"),
]
