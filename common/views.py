"""What every view of this app shares."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def run_write(request: HttpRequest, write: Callable[[], object], success: str = "") -> bool:
    """Run one write; a refusal becomes an error message for the user. True if it went through."""
    try:
        write()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    if success:
        messages.success(request, success)
    return True
