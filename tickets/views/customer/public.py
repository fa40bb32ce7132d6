"""Pages reached through signed links, without logging in: rating and ticket status."""

from django.http import Http404


def rate(request, token):
    raise Http404


def ticket_status(request, token):
    raise Http404
