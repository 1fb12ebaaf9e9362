from django import forms


class CalendarDateInput(forms.DateInput):
    """The browser's date picker, which shows the date in the reader's locale. Its value is
    always ISO 8601: Django's localised input format ("25.11.2026") would leave it empty."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")
