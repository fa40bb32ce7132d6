"""The public FAQ under /faq/ (namespace "faq"): public articles, no login."""

from faq.urls_reader import reader_patterns
from faq.views.panels import PUBLIC

app_name = "faq"
urlpatterns = reader_patterns(PUBLIC)
