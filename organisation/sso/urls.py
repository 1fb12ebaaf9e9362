from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path
from djangosaml2 import views as saml_views

from organisation import sso
from organisation.sso import views


def _when_oidc(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Without OpenID Connect configured, its pages do not exist."""

    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not sso.oidc_enabled():
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _when_saml(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not sso.saml_enabled():
            raise Http404
        return view(request, *args, **kwargs)

    wrapper.csrf_exempt = getattr(view, "csrf_exempt", False)  # type: ignore[attr-defined]
    return wrapper


urlpatterns = [
    path("saml/login/", _when_saml(saml_views.LoginView.as_view()), name="saml2_login"),
    path("saml/acs/", _when_saml(views.SamlAssertionConsumer.as_view()), name="saml2_acs"),
    path("saml/metadata/", _when_saml(saml_views.MetadataView.as_view()), name="saml2_metadata"),
    path("saml/logout/", _when_saml(views.saml_logout), name="saml2_logout"),
    path("saml/ls/", _when_saml(views.saml_single_logout), name="saml2_ls"),
    path(
        "oidc/login/",
        _when_oidc(views.OIDCLogin.as_view()),
        name="oidc_login",
    ),
    path(
        "oidc/callback/",
        _when_oidc(views.OIDCCallback.as_view()),
        name="oidc_authentication_callback",
    ),
    path("refused/", views.refused, name="sso_refused"),
]
