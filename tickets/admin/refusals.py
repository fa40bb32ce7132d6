"""Admin pages that save through the services: a refusal (a TicketError) rolls the admin's transaction
back and shows the same form again with the reason as the form's error (its `refused_message`)."""

from django.utils.translation import gettext as _

from tickets.errors import TicketError

REFUSED_ATTR = "_service_refused"


def refused(exc: TicketError) -> str:
    return _("Nothing was saved: %(reason)s") % {"reason": exc}


class ServiceRefusalMixin:
    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        message = getattr(request, REFUSED_ATTR, "")
        if message:
            form = type(form.__name__, (form,), {"refused_message": message})
        return form

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except TicketError as exc:
            setattr(request, REFUSED_ATTR, refused(exc))
            return super().changeform_view(request, object_id, form_url, extra_context)
