from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """A person's data: all of it to download, removing a person, and retention."""

    name = "privacy"
