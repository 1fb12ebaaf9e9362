"""Names in sentences, as the reader's language writes them."""

from django.utils.translation import get_language


def possessive(name: str) -> str:
    """A name owning something: Danish "Annes", "Jens'"; English "Anne's"."""
    if (get_language() or "").startswith("da"):
        return f"{name}'" if name[-1:].lower() in ("s", "x", "z") else f"{name}s"
    return f"{name}'s"
