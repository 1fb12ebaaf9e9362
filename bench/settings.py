"""The app's settings, with the bench's URLs: the app's own plus the bare reference view.

Used only by ``python -m bench.run`` (``make bench``); nothing in production routes the
bare view.
"""

from mus.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
