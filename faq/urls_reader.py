"""The reader URLs every FAQ tree has: readable addresses by category and article slug."""

from django.urls import path

from faq.views import feedback, reader, search
from faq.views.panels import Panel

A = "<str:language>/<str:slug>/"


def reader_patterns(panel: Panel) -> list:
    kw = {"panel": panel}
    return [
        path("", reader.index, kw, name="index"),
        path("category/<str:slug>/", reader.category, kw, name="category"),
        path("a/<str:slug>/", reader.article_any_language, kw, name="article_any"),
        path("search/", search.search, kw, name="search"),
        path(A + "vote/", feedback.vote, kw, name="vote"),
        path(A, reader.article, kw, name="article"),
        path(A + "print/", reader.article_pdf, kw, name="print"),
        path(A + "files/<uuid:key>/", reader.attachment, kw, name="attachment"),
    ]
