"""Agent login, logout, password change and reset, personal preferences."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import language, two_factor
from accounts.decorators import agent_required
from accounts.forms import PreferencesForm, ThrottledLoginForm, TwoFactorCodeForm
from accounts.views.common import LockoutStatusMixin, QueuedPasswordResetView


class AgentAuthenticationForm(ThrottledLoginForm):
    """The customer login's throttling and lockout; customers are refused here with a pointer to their own panel."""

    error_messages = {
        **ThrottledLoginForm.error_messages,
        "customer": gettext_lazy("This is the agent panel. Customers sign in at the customer panel: %(url)s"),
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.is_agent:
            raise forms.ValidationError(
                self.error_messages["customer"], code="customer", params={"url": "/customer/login/"}
            )


class AgentLoginView(LockoutStatusMixin, auth_views.LoginView):
    template_name = "agent/auth/login.html"
    authentication_form = AgentAuthenticationForm
    redirect_authenticated_user = False

    def get_default_redirect_url(self):
        return reverse("agent:dashboard")

    def form_valid(self, form):
        return language.after_login(self.request, super().form_valid(form), form.get_user())


class AgentLogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("agent:login")


password_change = agent_required(
    auth_views.PasswordChangeView.as_view(
        template_name="agent/auth/form.html",
        success_url=reverse_lazy("agent:password_change_done"),
        extra_context={"title": gettext_lazy("Change password")},
    )
)
password_change_done = agent_required(
    auth_views.PasswordChangeDoneView.as_view(
        template_name="agent/auth/message.html",
        extra_context={"title": gettext_lazy("Password changed"), "text": gettext_lazy("Your password was changed.")},
    )
)
password_reset = QueuedPasswordResetView.as_view(
    panel="agent",
    template_name="agent/auth/form.html",
    success_url=reverse_lazy("agent:password_reset_done"),
    extra_context={"title": gettext_lazy("Reset your password")},
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="agent/auth/message.html",
    extra_context={
        "title": gettext_lazy("Check your mail"),
        "text": gettext_lazy("If an account exists for that address, we sent a link to set a new password."),
    },
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="agent/auth/form.html",
    success_url=reverse_lazy("agent:password_reset_complete"),
    extra_context={"title": gettext_lazy("Set a new password")},
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="agent/auth/message.html",
    extra_context={
        "title": gettext_lazy("Password set"),
        "text": gettext_lazy("Your password was set. You can sign in now."),
    },
)


@agent_required
def preferences(request):
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Preferences saved."))
        response = redirect("agent:preferences")
        language.remember(response, form.cleaned_data["language"])
        return response
    context = {
        "form": form,
        "two_factor_on": two_factor.has_app(request.user),
        "recovery_codes_left": two_factor.recovery_codes_left(request.user),
        "two_factor_required": settings.HELPDESK_AGENT_2FA_REQUIRED,
        "code_form": _turn_off_form(),
    }
    return render(request, "agent/preferences.html", context, status=400 if form.errors else 200)


def _turn_off_form() -> TwoFactorCodeForm:
    form = TwoFactorCodeForm(auto_id="two-factor-%s")
    form.fields["code"].widget.attrs.pop("autofocus", None)  # the preferences form comes first
    return form
