"""Every URL of the app, read from the URL resolver, for the sweeps over all pages.

A sweep (the access matrix, the security headers) names what to request for each URL;
`missing()` lists the URLs it does not name yet, so a new page fails the sweep loudly
instead of slipping past it. Django admin's URLs are swept through its model registry.
"""

from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# HR's insight into one round: pages and files that read nothing but ?department=.
ROUND_REPORTS = (
    "round_progress",
    "round_progress_csv",
    "round_progress_xlsx",
    "round_overdue_csv",
    "round_focus",
    "round_focus_csv",
    "round_focus_xlsx",
)


def _walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(
                pattern.url_patterns,
                prefix + str(pattern.pattern),
                pattern.namespace or namespace,
            )
        elif isinstance(pattern, URLPattern):
            yield namespace, pattern.name or prefix + str(pattern.pattern)


def url_names() -> set[str]:
    """The name of every URL outside Django admin (an unnamed URL goes by its route)."""
    return {name for namespace, name in _walk(get_resolver().url_patterns) if namespace != "admin"}


def missing(covered) -> list[str]:
    return sorted(url_names() - set(covered))


def admin_pages() -> list[str]:
    """The admin's index and, for every model it offers, its list and its add form."""
    pages = [reverse("admin:index")]
    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        pages.append(reverse("admin:{}_{}_changelist".format(*info)))
        pages.append(reverse("admin:{}_{}_add".format(*info)))
    return pages
