"""The pages around single sign-on: the refusal, logging out, and passwords while SSO is on."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods
from djangosaml2 import views as saml_views
from mozilla_django_oidc import views as oidc_views

from organisation import sso
from organisation.http import AuthenticatedHttpRequest
from organisation.sso import oidc, saml
from organisation.sso.oidc import provider_logout_url


def refused(request: HttpRequest) -> HttpResponse:
    """An identity MUS does not know: say so, and whom to ask. Nothing was created."""
    return render(
        request, "organisation/sso_refused.html", {"contact": settings.SSO_CONTACT}, status=403
    )


def provider_unavailable(request: HttpRequest) -> HttpResponse:
    """The municipality's login could not be reached (logged by organisation.sso.oidc)."""
    return render(request, "organisation/sso_unavailable.html", status=503)


class OIDCLogin(oidc_views.OIDCAuthenticationRequestView):
    """To the provider's login, at its authorization endpoint (discovered: oidc.endpoint)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            self.OIDC_OP_AUTH_ENDPOINT = oidc.endpoint("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except oidc.ProviderUnavailable:
            return provider_unavailable(request)
        return super().get(request)  # type: ignore[no-any-return]


class OIDCCallback(oidc_views.OIDCAuthenticationCallbackView):
    """The provider's answer; its token endpoint and keys are discovered by the backend."""

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            return super().get(request)  # type: ignore[no-any-return]
        except oidc.ProviderUnavailable:
            return provider_unavailable(request)


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
        provider = provider_logout_url(request) or saml.single_logout_link(request)
        response = super().post(request, *args, **kwargs)
        if provider is None:
            return response
        return render(request, "registration/logged_out_sso.html", {"provider_logout": provider})


class SamlAssertionConsumer(saml_views.AssertionConsumerServiceView):
    """djangosaml2's assertion consumer; a login also notes what single logout needs."""

    def customize_session(self, user, session_info):
        saml.remember_login(self.request, session_info)


@require_GET
def saml_logout(request: HttpRequest) -> HttpResponse:
    """The link on the page after MUS's logout: on to the IdP's single logout."""
    if request.user.is_authenticated:
        return redirect("dashboard")  # MUS's own logout (a POST) comes first
    location = saml.logout_request_url(request, request.GET.get("token", ""))
    return redirect(location or "login")


@csrf_exempt  # the IdP's messages come from the IdP, signed; no MUS form sends them
@require_http_methods(["GET", "POST"])
def saml_single_logout(request: HttpRequest) -> HttpResponse:
    """MUS's SingleLogoutService: the IdP's answer to MUS's LogoutRequest, or its own."""
    data = request.POST if request.method == "POST" else request.GET
    if "SAMLResponse" in data:
        if saml.logout_confirmed(request):
            return redirect("login")
        return render(request, "organisation/sso_logout_unconfirmed.html")
    if "SAMLRequest" in data:
        try:
            return redirect(saml.logout_requested(request) or "login")
        except saml.LogoutRefused as error:
            saml.log.warning("SAML LogoutRequest refused: %s", error)
    return render(request, "organisation/sso_logout_unconfirmed.html", status=400)


@login_required
def password_change(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """The password page; with SSO on, it says where the password is kept instead."""
    if not sso.may_use_password(request.user.get_username()):
        return render(request, "registration/password_by_sso.html")
    return auth_views.PasswordChangeView.as_view()(request)
