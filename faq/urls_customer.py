"""The customers' FAQ under /customer/faq/ (namespace "faq_customer")."""

from faq.urls_reader import reader_patterns
from faq.views.panels import CUSTOMER

app_name = "faq_customer"
urlpatterns = reader_patterns(CUSTOMER)
