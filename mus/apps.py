from django.apps import AppConfig


class MusConfig(AppConfig):
    """The project: settings, URLs, the start page, error pages and operations (backup)."""

    name = "mus"
