"""The pages around single sign-on: the refusal, logging out, and passwords while SSO is on."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render

from organisation import sso
from organisation.http import AuthenticatedHttpRequest
from organisation.sso.oidc import provider_logout_url


def refused(request: HttpRequest) -> HttpResponse:
    """An identity MUS does not know: say so, and whom to ask. Nothing was created."""
    return render(
        request, "organisation/sso_refused.html", {"contact": settings.SSO_CONTACT}, status=403
    )


class LoginView(auth_views.LoginView):
    """The password form, or with SSO on the button to the municipality's login.

    The password form stays for the break-glass accounts (organisation.auth refuses
    everyone else's password while SSO is on).
    """

    redirect_authenticated_user = True

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if sso.enabled():  # the municipality's login comes first, not the password
            form.fields["username"].widget.attrs.pop("autofocus", None)
        return form

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sso_oidc"] = sso.oidc_enabled()
        context["sso_on"] = sso.enabled()
        return context


class LogoutView(auth_views.LogoutView):
    """Django's logout; after it, a page offering the provider's single logout if it has one.

    A link rather than a redirect: the policy lets forms post only to MUS itself.
    """

    def post(self, request, *args, **kwargs):
        provider = provider_logout_url(request)
        response = super().post(request, *args, **kwargs)
        if provider is None:
            return response
        return render(request, "registration/logged_out_sso.html", {"provider_logout": provider})


@login_required
def password_change(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """The password page; with SSO on, it says where the password is kept instead."""
    if not sso.may_use_password(request.user.get_username()):
        return render(request, "registration/password_by_sso.html")
    return auth_views.PasswordChangeView.as_view()(request)
