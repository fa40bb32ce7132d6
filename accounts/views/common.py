"""What the agent and customer sign-in views share: the lockout answer and the queued password reset."""

from django.contrib.auth import views as auth_views
from django.shortcuts import redirect

from accounts import throttle
from accounts.password_reset import request_reset


class LockoutStatusMixin:
    """For a LoginView whose form is throttled: a refused attempt during a lockout answers 429."""

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.is_throttled():
            response.status_code = 429
        return response


class QueuedPasswordResetView(auth_views.PasswordResetView):
    """Django's reset page, but the mail is queued (accounts.tasks) and the answer is the same for everyone.

    Over the rate limit nothing is queued and the page still says "check your mail".
    """

    panel = "customer"

    def form_valid(self, form):
        request_reset(email=form.cleaned_data["email"], ip=throttle.client_ip(self.request), panel=self.panel)
        return redirect(self.get_success_url())
