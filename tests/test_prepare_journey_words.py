"""The preparation as each person lives it (issue 16): the manager's own words, the wheel
that explains itself, progress, and sharing as a decision."""

import datetime

import pytest
from django.urls import reverse

from reviews.models import Goal, State

pytestmark = pytest.mark.django_db


def url(name, review):
    return reverse(name, args=[review.public_id])


def page_of(client, user, name, review):
    client.force_login(user)
    response = client.get(url(name, review))
    assert response.status_code == 200
    return response.content.decode()


# Point 4: the manager's own words.


def test_mettes_preparation_speaks_to_mette(client, review, manager):
    page = page_of(client, manager.user, "prepare", review)
    assert "Din forberedelse af Annes MUS" in page
    assert "Dit blik på Annes kompetencer" in page
    assert "Dit blik på Annes kompetencer: intet markeret endnu" in page  # the wheel's name
    assert "<h1>Din forberedelse</h1>" not in page


def test_annes_preparation_speaks_to_anne(client, review, employee):
    page = page_of(client, employee.user, "prepare", review)
    assert "<h1>Din forberedelse</h1>" in page
    assert "Annes" not in page


def test_what_was_agreed_last_time_is_annes_for_mette(
    client, review, employee, manager, open_round
):
    from tests.conftest import make_round

    earlier_round = make_round(
        open_round.catalogue,
        open_round.question_set,
        name="MUS 2026",
        status="closed",
        preparation_deadline=datetime.date(2026, 2, 1),
        talks_start=datetime.date(2026, 2, 2),
        talks_end=datetime.date(2026, 3, 1),
    )
    earlier = earlier_round.reviews.create(
        employee=employee, manager=manager, state=State.CONCLUDED
    )
    Goal.objects.create(
        review=earlier, title="Lære Python", accepted_by_employee=1, accepted_by_manager=1
    )
    page = page_of(client, manager.user, "prepare", review)
    assert "Aftalt ved Annes sidste MUS (MUS 2026)" in page
    page = page_of(client, employee.user, "prepare", review)
    assert "Aftalt ved din sidste MUS (MUS 2026)" in page


def test_annes_review_page_does_not_tell_mette_about_her_manager(client, review, manager, employee):
    page = page_of(client, manager.user, "review_detail", review)
    assert "dig og din leder" not in page
    assert "mellem dig og Anne" in page
    page = page_of(client, employee.user, "review_detail", review)
    assert "dig og din leder" in page


def test_a_name_ending_in_s_owns_with_an_apostrophe():
    from django.utils import translation

    from common.names import possessive

    with translation.override("da"):
        assert (possessive("Anne"), possessive("Jens")) == ("Annes", "Jens'")
    with translation.override("en"):
        assert possessive("Anne") == "Anne's"


def test_the_booklets_next_page_is_not_on_the_web_page(client, review, employee):
    page = page_of(client, employee.user, "prepare", review)
    assert "kompetencehjulet kan være nyttige" in page
    assert "(næste side)" not in page


# Point 5: the wheel explains itself.


def test_the_preparation_page_has_a_legend_for_the_three_rings(client, review, employee):
    page = page_of(client, employee.user, "prepare", review)
    legend = page.split('class="wheel-legend"')[1].split("</div>")[0]
    assert "<strong>stærk kompetence</strong> – yderste ring" in legend
    assert "<strong>udmærket kompetence</strong> – midterste ring" in legend
    assert "<strong>fokusområde</strong> – inderste ring" in legend
    assert "et kryds markerer det valgte felt" in legend
    assert "Stiplet felt" in legend  # the catalogue has slots of one's own


def test_the_guide_carries_the_same_legend(client, employee, kl_catalogue, tmp_path):
    from tests.pdf import Pdf

    client.force_login(employee.user)
    response = client.get(reverse("catalogue_guide_pdf", args=[kl_catalogue.pk]))
    text = Pdf(tmp_path / "guide.pdf", response.content).lines()
    for line in ("stærk kompetence – yderste ring", "fokusområde – inderste ring"):
        assert line in text


def test_the_wheels_labels_are_large_enough_for_a_phone(client, review, employee):
    import re

    page = page_of(client, employee.user, "prepare", review)
    sizes = [
        float(size) for size in re.findall(r'class="wheel__label"[^>]*font-size="([\d.]+)"', page)
    ]
    assert len(sizes) == 10  # 8 competences and 2 slots of one's own
    # The wheel is ~360 px wide on a 390 px phone (580 units): 16 units is about 10 px.
    assert min(sizes) >= 16, sizes
    assert "Kommu-</tspan>" in page  # a long name is broken where Danish hyphenates it


def test_an_own_competence_stands_on_the_wheel_as_soon_as_it_is_typed(client, review, employee):
    client.force_login(employee.user)
    response = client.post(
        url("prepare_text", review),
        {"field": "name-s1", "name-s1": "Coaching", "name-s1-version": 0},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    oob = response.content.decode().split('id="wheel-panel" data-hx-swap-oob="true"')[1]
    assert ">Coaching</tspan>" in oob


def test_a_note_saved_redraws_no_wheel(client, review, employee):
    client.force_login(employee.user)
    key = f"c{review.round.catalogue.competences.first().pk}"
    response = client.post(
        url("prepare_text", review),
        {"field": f"note-{key}", f"note-{key}": "God", f"note-{key}-version": 0},
        HTTP_HX_REQUEST="true",
    )
    assert "wheel-panel" not in response.content.decode()


def test_every_field_and_group_has_its_own_accessible_name(client, review, employee):
    import re

    page = page_of(client, employee.user, "prepare", review)
    legends = re.findall(r'<legend class="visually-hidden">([^<]+)</legend>', page)
    assert "Niveau for Din egen kompetence 1" in legends
    assert "Niveau for Din egen kompetence 2" in legends
    assert len(legends) == len(set(legends)) == 10
    labels = [
        re.sub(r"<[^>]+>", "", label)
        for label in re.findall(r'<label for="id-(?:note|name)-[^"]+">(.+?)</label>', page)
    ]
    assert len(labels) == len(set(labels)) == 12, labels  # 10 notes, 2 names
    titles = re.findall(
        r"<title>([^<]+)</title>", page.split('class="wheel"')[1].split("</svg>")[0]
    )
    assert len(titles) == len(set(titles)) == 30
    assert "Din egen kompetence 2: fokusområde" in titles


# Point 7: sharing is a decision.


def _prepared(review, employee):
    """Anne has answered one question, marked two competences and noted one."""
    from reviews.models import Answer, Preparation
    from tests.conftest import make_mark

    preparation = Preparation.objects.create(review=review, author=employee, party="employee")
    question = review.round.question_set.themes.first().questions.first()
    Answer.objects.create(preparation=preparation, question=question, text="Jeg har nået meget.")
    make_mark(review, "employee", "Faglighed", "strong", note="Mit fag")
    make_mark(review, "employee", "Politik", "focus")
    review.state = State.PREPARING
    review.save()
    return preparation


def test_sharing_asks_first_and_says_what_mette_will_see(client, review, employee):
    _prepared(review, employee)
    page = page_of(client, employee.user, "prepare", review)
    confirm = url("prepare_share_confirm", review)
    assert f'<form method="get" action="{confirm}"' in page  # the page's button asks first
    page = page_of(client, employee.user, "prepare_share_confirm", review)
    assert "Det ser Mette" in page
    assert "dit svar på 1 af 11 spørgsmål" in page
    assert "dine markeringer af 2 af 8 kompetencer på hjulet" in page
    assert "din note til 1 kompetence" in page
    assert "HR ser aldrig din forberedelse" in page
    assert f'action="{url("prepare_share", review)}"' in page
    review.refresh_from_db()
    assert not review.preparations.get().is_shared  # asking shares nothing


def test_mette_is_asked_about_anne(client, review, manager):
    page = page_of(client, manager.user, "prepare_share_confirm", review)
    assert "Det ser Anne" in page
    assert "dine svar på 0 af 11 spørgsmål" in page


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("colleague", 404),
        ("outsider", 404),
        ("other_manager", 404),
        ("senior_manager", 404),
        ("hr_user", 404),
        ("superuser", 404),
    ],
)
def test_no_one_else_is_asked(client, review, request, persona, status):
    user = request.getfixturevalue(persona)
    client.force_login(getattr(user, "user", user))
    assert client.get(url("prepare_share_confirm", review)).status_code == status


def test_asking_again_after_sharing_is_refused(client, review, employee):
    from django.utils import timezone

    _prepared(review, employee).__class__.objects.update(shared_at=timezone.now())
    client.force_login(employee.user)
    assert client.get(url("prepare_share_confirm", review)).status_code == 403


def test_the_question_is_only_asked_not_posted(client, review, employee):
    client.force_login(employee.user)
    response = client.post(url("prepare_share_confirm", review))
    assert response.status_code == 405
    assert not review.preparations.exists()


def test_after_sharing_the_page_shows_the_preparation_read_and_clean(client, review, employee):
    _prepared(review, employee)
    client.force_login(employee.user)
    client.post(url("prepare_share", review))
    page = page_of(client, employee.user, "prepare", review)
    assert "Jeg har nået meget." in page
    assert "<strong>Faglighed:</strong> stærk kompetence" in page
    assert "Mit fag" in page
    assert " disabled" not in page and " readonly" not in page
    assert "<textarea" not in page
    assert "klik på et felt i hjulet" not in page
    assert "hx-post" not in page.split('id="wheel-panel"')[1].split("</svg>")[0]


# Point 6: preparing on a phone.


def test_the_parts_show_their_progress_and_can_be_jumped_to(client, review, employee):
    _prepared(review, employee)
    page = page_of(client, employee.user, "prepare", review)
    nav = page.split('<nav class="prepare-nav"')[1].split("</nav>")[0]
    assert 'href="#questions-heading"' in nav and 'href="#wheel-heading"' in nav
    assert "1 af 11 spørgsmål besvaret" in nav
    assert "2 af 10 kompetencer markeret" not in nav  # unnamed own slots are not counted
    assert "2 af 8 kompetencer markeret" in nav
    assert "tegn tilbage" in page  # the counter's words, for static/js/prepare.js
    assert "js/prepare.js" in page


def test_marking_and_answering_update_the_progress(client, review, employee):
    client.force_login(employee.user)
    key = f"c{review.round.catalogue.competences.first().pk}"
    response = client.post(
        url("prepare_level", review), {"key": key, "level": "fine"}, HTTP_HX_REQUEST="true"
    )
    assert (
        '<span class="progress" id="progress-marks" data-hx-swap-oob="true">'
        "1 af 8 kompetencer markeret" in response.content.decode()
    )
    question = review.round.question_set.themes.first().questions.first()
    name = f"answer-{question.pk}"
    response = client.post(
        url("prepare_text", review),
        {"field": name, name: "Svar", f"{name}-version": 0},
        HTTP_HX_REQUEST="true",
    )
    assert (
        '<span class="progress" id="progress-answers" data-hx-swap-oob="true">'
        "1 af 11 spørgsmål besvaret" in response.content.decode()
    )


def test_a_shared_preparation_has_no_progress_to_make(client, review, employee):
    from django.utils import timezone

    _prepared(review, employee).__class__.objects.update(shared_at=timezone.now())
    page = page_of(client, employee.user, "prepare", review)
    assert "prepare-nav" not in page and "js/prepare.js" not in page


# Point 11: English reads as English in Denmark, KL's Danish marked as Danish.


def test_catalogue_text_is_marked_danish_on_an_english_page(client, review, employee):
    from django.conf import settings

    client.force_login(employee.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(url("prepare", review)).content.decode()
    assert '<html lang="en">' in page
    assert '<h3 lang="da">Faglighed</h3>' in page
    assert '<h3 lang="da">Tilbageblik og feedback</h3>' in page
    assert 'lang="da">Hvilke resultater og præstationer har jeg opnået det seneste år?' in page
    assert '<ul lang="da"><li>' in page  # what a competence means, KL's words
    assert "How to read the wheel" in page and "strong competence</strong> – outer ring" in page
