"""Values posted by a browser, or by anyone: read defensively, never trusted to be well formed."""

# The largest value of an integer column on every database we run on.
LARGEST_INTEGER = 2**31 - 1


def whole_number(text: str | None) -> int | None:
    """The posted text as a whole number, or None if it is not one an integer column holds.

    ``str.isdigit`` alone lets through other scripts' digits and superscripts ("²"),
    which ``int`` refuses, and numbers too large for the database.
    """
    if not text or not (text.isascii() and text.isdigit()) or len(text) > 10:
        return None
    number = int(text)
    return number if number <= LARGEST_INTEGER else None
