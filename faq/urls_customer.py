"""The customers' FAQ under /customer/faq/ (namespace "faq_customer")."""

from django.urls import path

from faq.urls_reader import reader_patterns
from faq.views import feedback, search
from faq.views.panels import CUSTOMER

app_name = "faq_customer"
urlpatterns = [
    # suggestions while a customer writes a new request (deflection)
    path("suggest/", search.suggest, name="suggest"),
    path("suggested/<int:pk>/", feedback.open_suggestion, name="open_suggestion"),
    *reader_patterns(CUSTOMER),
]
