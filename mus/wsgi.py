import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mus.settings")
application = get_wsgi_application()


def freeze_startup_objects() -> None:
    """Import every view, then exempt all that is loaded from garbage collection.

    What a server process loads at start lives as long as the process, yet Python's
    full collections scan it again and again: with it frozen, the full collection that
    a PDF's many short-lived objects bring about takes a few milliseconds instead of a
    tenth of a second in whichever request it falls on (``make bench``: the PDF's p95).
    Under gunicorn --preload, it also keeps the forked workers' memory shared.
    """
    get_resolver().url_patterns  # noqa: B018 - the URLconf imports the views
    gc.collect()
    gc.freeze()


freeze_startup_objects()
