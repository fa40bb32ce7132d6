"""Signing in and out of the customer panel, sign-up, the one-time password link, and password reset."""

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views import i18n as i18n_views
from django.views.decorators.http import require_POST

from accounts import language, throttle
from accounts.forms import RegistrationForm, ThrottledLoginForm
from accounts.invitations import mark_accepted, register_customer
from accounts.views.common import LockoutStatusMixin, QueuedPasswordResetView

AGENT_HOME = "/agent/"


class CustomerLoginView(LockoutStatusMixin, auth_views.LoginView):
    template_name = "customer/login.html"
    form_class = ThrottledLoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "registration_open": settings.HELPDESK_CUSTOMER_SELF_REGISTRATION}

    def get_default_redirect_url(self):
        if self.request.user.is_authenticated and not self.request.user.is_customer:
            return AGENT_HOME
        return reverse_lazy("customer:tickets")

    def form_valid(self, form):
        return language.after_login(self.request, super().form_valid(form), form.get_user())

    def get_success_url(self):
        # An agent who signs in here works in the agent panel, whatever `next` says.
        if self.request.user.is_authenticated and not self.request.user.is_customer:
            return AGENT_HOME
        return super().get_success_url()


@require_POST
def logout_view(request):
    logout(request)
    return redirect("customer:login")


@require_POST
def set_language(request):
    """The panel's language picker: Django's set_language, and saved on the account when signed in."""
    response = i18n_views.set_language(request)
    language.save_choice(request.user, request.POST.get("language", ""))
    return response


password_reset = QueuedPasswordResetView.as_view(
    panel="customer",
    template_name="customer/password_reset.html",
    success_url=reverse_lazy("customer:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(template_name="customer/password_reset_done.html")


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The one-time link of invitations, sign-up verification and password reset."""

    template_name = "customer/set_password.html"
    success_url = reverse_lazy("customer:tickets")
    post_reset_login = True

    def form_valid(self, form):
        response = super().form_valid(form)
        mark_accepted(form.user)
        return language.after_login(self.request, response, form.user)


set_password = SetPasswordView.as_view()


def register(request):
    if not settings.HELPDESK_CUSTOMER_SELF_REGISTRATION:
        raise Http404("Sign-up is closed")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if throttle.over_limit("register-ip", throttle.client_ip(request), 10, 3600):
            form.add_error(None, _("Too many sign-ups from your network. Please try again later."))
        else:
            register_customer(
                email=form.cleaned_data["email"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
            )
            return render(request, "customer/register_done.html", {"email": form.cleaned_data["email"]})
    return render(request, "customer/register.html", {"form": form}, status=400 if form.errors else 200)
