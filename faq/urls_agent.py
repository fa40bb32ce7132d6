"""The internal FAQ under /agent/faq/ (namespace "faq_agent"): reading plus editing."""

from django.urls import path

from faq.urls_reader import reader_patterns
from faq.views import editor, search
from faq.views.panels import AGENT

app_name = "faq_agent"
urlpatterns = [
    path("new/", editor.article_new, name="new"),
    path("insert/", search.insert_search, name="insert_search"),  # the reply form's FAQ look-up
    path("edit/<int:pk>/", editor.article_edit, name="edit"),
    path("edit/<int:pk>/versions/", editor.versions, name="versions"),
    path("edit/<int:pk>/versions/<int:number>/", editor.compare, name="compare"),
    path("edit/<int:pk>/versions/<int:number>/revert/", editor.revert, name="revert"),
    *reader_patterns(AGENT),
]
