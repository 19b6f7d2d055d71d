"""«Забыли пароль?»: Django's password reset, whose e-mail says how long its link works, and
which cannot be used to flood a mailbox or to fire letters by the thousand.

Django's views do the work: the same «письмо отправлено» page whether the address is known or
not (no one learns who has a login), a link that works once (its token is made of the password
it replaces) and for PASSWORD_RESET_TIMEOUT; the new password goes through the validators and
the user logs in afterwards through the login page, where django-axes counts the failures.
The templates are ours: templates/registration/password_reset_*.

Throttling, in the shared cache (settings.CACHES: one count for every worker and app server),
per hour (RESET_WINDOW):

- an address gets at most RESET_LETTERS_PER_ADDRESS letters: a further request shows the same
  «письмо отправлено» page and sends nothing, so the limit tells no one whether the address
  has a login;
- a client address (as django-axes sees it, behind the proxies of RMO_PROXY_COUNT) may ask at
  most RESET_REQUESTS_PER_CLIENT times: then the form answers 429 with the reason, the typed
  address kept. This says nothing about accounts either: it counts every request, known or not.
"""

from __future__ import annotations

import hashlib

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.http import HttpResponseRedirect
from django.urls import path
from django.utils.translation import gettext as _

RESET_WINDOW = 3600  # seconds
RESET_LETTERS_PER_ADDRESS = 3
RESET_REQUESTS_PER_CLIENT = 20


def _counted(key: str) -> int:
    """The key's count in this window, this request included."""
    cache.add(key, 0, RESET_WINDOW)  # the window starts with the first request
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RESET_WINDOW)
        return 1


def _hashed(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


class PortalPasswordResetView(auth_views.PasswordResetView):
    def get_extra_email_context(self):
        return {"valid_hours": max(1, settings.PASSWORD_RESET_TIMEOUT // 3600)}

    def form_valid(self, form):
        client = get_client_ip_address(self.request) or "unknown"
        if _counted(f"password-reset:client:{_hashed(client)}") > RESET_REQUESTS_PER_CLIENT:
            form.add_error(None, _(
                "Слишком много запросов на восстановление пароля с вашего адреса. Попробуйте через час "
                "или обратитесь к администратору портала."
            ))
            response = self.form_invalid(form)
            response.status_code = 429
            response["Retry-After"] = str(RESET_WINDOW)
            return response
        address = form.cleaned_data["email"].strip().lower()
        if _counted(f"password-reset:address:{_hashed(address)}") > RESET_LETTERS_PER_ADDRESS:
            return HttpResponseRedirect(self.get_success_url())  # the page of a sent letter, no letter
        self.extra_email_context = self.get_extra_email_context()
        return super().form_valid(form)


urlpatterns = [
    path("password_reset/", PortalPasswordResetView.as_view(), name="password_reset"),
]
