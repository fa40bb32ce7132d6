"""Signing in and out of the customer panel, and password reset."""

from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from accounts.forms import RateLimitedPasswordResetForm, ThrottledLoginForm

AGENT_HOME = "/agent/"


class CustomerLoginView(auth_views.LoginView):
    template_name = "customer/login.html"
    form_class = ThrottledLoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        if self.request.user.is_authenticated and not self.request.user.is_customer:
            return AGENT_HOME
        return reverse_lazy("customer:tickets")

    def get_success_url(self):
        # An agent who signs in here works in the agent panel, whatever `next` says.
        if self.request.user.is_authenticated and not self.request.user.is_customer:
            return AGENT_HOME
        return super().get_success_url()


@require_POST
def logout_view(request):
    from django.contrib.auth import logout

    logout(request)
    return redirect("customer:login")


password_reset = auth_views.PasswordResetView.as_view(
    template_name="customer/password_reset.html",
    form_class=RateLimitedPasswordResetForm,
    email_template_name="emails/customer_password_reset.txt",
    subject_template_name="emails/customer_password_reset_subject.txt",
    success_url=reverse_lazy("customer:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(template_name="customer/password_reset_done.html")
set_password = auth_views.PasswordResetConfirmView.as_view(
    template_name="customer/set_password.html",
    success_url=reverse_lazy("customer:tickets"),
    post_reset_login=True,
)
