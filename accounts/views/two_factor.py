"""The second sign-in step for agents and administrators: the code page, setting up the app, turning it off."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import two_factor
from accounts.decorators import agent_required
from accounts.forms import TwoFactorCodeForm


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("agent:dashboard")


@never_cache
@agent_required
def verify(request):
    next_url = _next_url(request)
    if not two_factor.step_needed(request):
        return redirect(next_url)
    if not two_factor.has_app(request.user):
        return redirect(f"{reverse('two_factor:setup')}?{urlencode({'next': next_url})}")
    form = TwoFactorCodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        result = two_factor.verify(request, form.cleaned_data["code"])
        if result is two_factor.Result.OK:
            return redirect(next_url)
        if result is two_factor.Result.THROTTLED:
            form.add_error(None, _("Too many wrong codes. Please wait a moment and try again."))
            status = 429
        else:
            form.add_error(
                "code", _("That code is not right. Enter the current code from your app, or a recovery code.")
            )
    if form.errors and status == 200:
        status = 400
    context = {"form": form, "next": next_url, "step_pending": True}
    return render(request, "agent/auth/two_factor_verify.html", context, status=status)


@never_cache
@agent_required
def setup(request):
    next_url = _next_url(request)
    if two_factor.has_app(request.user):
        messages.info(request, _("Two-factor authentication is already on."))
        return redirect("agent:preferences")
    device = two_factor.unconfirmed_app(request.user)
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.confirm_app(request, device, form.cleaned_data["code"])
        if codes:
            return render(request, "agent/auth/two_factor_codes.html", {"codes": codes, "next": next_url})
        form.add_error("code", _("That code is not right. Wait for the next code in your app and enter it."))
    context = {
        "form": form,
        "next": next_url,
        "qr_svg": two_factor.qr_svg(device),
        "secret": two_factor.secret(device),
        "otpauth_uri": device.config_url,
        "required": settings.HELPDESK_AGENT_2FA_REQUIRED,
        "step_pending": two_factor.step_needed(request),
    }
    return render(request, "agent/auth/two_factor_setup.html", context, status=400 if form.errors else 200)


@never_cache
@require_POST
@agent_required
def disable(request):
    if settings.HELPDESK_AGENT_2FA_REQUIRED:
        messages.error(request, _("Two-factor authentication is required for every agent; it cannot be turned off."))
        return redirect("agent:preferences")
    form = TwoFactorCodeForm(request.POST)
    if not (form.is_valid() and two_factor.verify(request, form.cleaned_data["code"]) is two_factor.Result.OK):
        messages.error(request, _("That code is not right. Two-factor authentication stays on."))
        return redirect("agent:preferences")
    two_factor.reset(request.user)
    messages.success(request, _("Two-factor authentication is off."))
    return redirect("agent:preferences")
