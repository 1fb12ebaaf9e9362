"""Dates and numbers in the reader's language, through Django's formats: none written by hand."""

import datetime
import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from hr.forms import RoundForm
from reviews.forms import GoalForm

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def test_templates_name_formats_instead_of_spelling_them_out():
    """|date with a format name (DATE_FORMAT …) follows the language; "j. F Y" would not.
    The e-mails' templates too: English e-mails read "1 February 2027" (issue 16)."""
    hand_made = []
    for template in [*TEMPLATES.rglob("*.html"), *TEMPLATES.rglob("*.txt")]:
        for fmt in re.findall(r'\|date:["\']([^"\']+)["\']', template.read_text()):
            if not re.fullmatch(r"[A-Z_]+_FORMAT|Y-m-d", fmt):
                hand_made.append(f"{template.name}: {fmt}")
    assert not hand_made


def test_dates_read_as_danish_or_english(client, employee, review):
    client.force_login(employee.user)
    page = client.get(reverse("review_detail", args=[review.public_id])).content.decode()
    assert "1. februar 2027" in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("review_detail", args=[review.public_id])).content.decode()
    assert "1 February 2027" in page  # day-month-year, as English is read in Denmark
    assert "Feb. 1, 2027" not in page


def test_date_inputs_carry_iso_dates_in_both_languages(client, hr_user, open_round):
    form = GoalForm(initial={"due": datetime.date(2026, 11, 25)})
    assert 'type="date"' in str(form["due"]) and 'value="2026-11-25"' in str(form["due"])
    client.force_login(hr_user)
    for language in ("da", "en"):
        client.post(reverse("set_language"), {"language": language, "next": "/"})
        assert RoundForm(instance=open_round)["preparation_deadline"].value() == datetime.date(
            2027, 2, 1
        )
        assert 'value="2027-02-01"' in str(RoundForm(instance=open_round)["preparation_deadline"])


def test_counts_carry_the_languages_thousands_separator(client, hr_user, open_round, settings):
    from django.template import Context, Template
    from django.utils import translation

    template = Template("{% load humanize %}{{ n|intcomma }}")
    with translation.override("da"):
        assert template.render(Context({"n": 50000})) == "50.000"
    with translation.override("en"):
        assert template.render(Context({"n": 50000})) == "50,000"
    client.force_login(hr_user)
    page = client.get(reverse("round_detail", args=[open_round.pk])).content.decode()
    assert '<td class="num">2</td>' in page  # the office's two reviews, in the totals
