"""The reports under /agent/reports/ (namespace "reports")."""

from django.urls import path

from reports.views import builder, pages, saved

app_name = "reports"
urlpatterns = [
    path("", pages.index, name="index"),
    path("builder/", builder.builder, name="builder"),
    path("builder/save/", builder.save, name="save"),
    path("saved/<int:pk>/", saved.detail, name="saved"),
    path("saved/<int:pk>/delete/", saved.delete, name="delete"),
    path("saved/<int:pk>/schedule/", saved.schedule, name="schedule"),
    path("saved/<int:pk>/unschedule/", saved.unschedule, name="unschedule"),
    path("<slug:slug>/", pages.builtin, name="report"),
]
