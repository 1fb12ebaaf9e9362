from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from mus import views
from organisation import accounts
from organisation.sso import views as sso_views

admin.site.site_header = _("MUS administration")
admin.site.site_title = _("MUS administration")
admin.site.index_title = _("Catalogue, organisation and rounds")

# A database that cannot be reached answers 503 with Retry-After, not 500 (nor 400).
handler500 = "mus.views.server_error"
handler400 = "mus.views.bad_request"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("login/", sso_views.LoginView.as_view(), name="login"),
    path("logout/", sso_views.LogoutView.as_view(), name="logout"),
    path("logout/everywhere/", accounts.logout_everywhere, name="logout_everywhere"),
    path("password/", sso_views.password_change, name="password_change"),
    path(
        "password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"
    ),
    path("sso/", include("organisation.sso.urls")),
    path("scim/v2/", include("organisation.scim.urls")),
    path("", include("reviews.urls")),
    path("", include("hr.urls")),
    path("", include("privacy.urls")),
    path("", include("notifications.urls")),
    path("catalogues/", include("competencies.urls")),
    path("i18n/setlang/", views.set_language, name="set_language"),
    # Browsers ask for /favicon.ico on pages that name no icon, such as the admin's.
    path("favicon.ico", views.favicon, name="favicon"),
    path("admin/", admin.site.urls),
]
