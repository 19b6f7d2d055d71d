"""«Забыли пароль?»: Django's password reset, whose e-mail says how long its link works.

Django's views do the work: the same «письмо отправлено» page whether the address is known or
not (no one learns who has a login), a link that works once (its token is made of the password
it replaces) and for PASSWORD_RESET_TIMEOUT; the new password goes through the validators and
the user logs in afterwards through the login page, where django-axes counts the failures.
The templates are ours: templates/registration/password_reset_*.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path


class PortalPasswordResetView(auth_views.PasswordResetView):
    def get_extra_email_context(self):
        return {"valid_hours": max(1, settings.PASSWORD_RESET_TIMEOUT // 3600)}

    def form_valid(self, form):
        self.extra_email_context = self.get_extra_email_context()
        return super().form_valid(form)


urlpatterns = [
    path("password_reset/", PortalPasswordResetView.as_view(), name="password_reset"),
]
