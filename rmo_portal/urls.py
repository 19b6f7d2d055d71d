from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from rmo_portal import views

admin.site.site_header = _("Портал РМО — администрирование")
admin.site.site_title = _("Портал РМО")
admin.site.index_title = _("Отдел образования")

# A database that went away answers 503 in Russian, every other fault 500 (rmo_portal/errors.py).
handler500 = "rmo_portal.errors.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    # «Забыли пароль?»: Django's reset, its e-mail saying how long the link works (first, so that
    # its password_reset/ answers before Django's own).
    path("accounts/", include("rmo_portal.password_reset")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("associations.urls")),
    path("meetings/", include("meetings.urls")),
    path("reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
]
