from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def site_url_is_set(app_configs, **kwargs):
    """E-mails link to SITE_URL; in production the development default leads nowhere."""
    if settings.SITE_URL.startswith("https://"):
        return []
    return [
        Warning(
            f"SITE_URL is {settings.SITE_URL!r}: the links in MUS's e-mails and calendar "
            "invitations must lead to the public https address.",
            hint="Set SITE_URL in the environment, e.g. https://mus.example.dk.",
            id="notifications.W001",
        )
    ]
