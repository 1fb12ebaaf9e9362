from django.apps import AppConfig


class HrConfig(AppConfig):
    """HR's pages: running the rounds, and HR's insight (progress, focus map, MED report)."""

    name = "hr"
