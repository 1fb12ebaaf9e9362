"""The blank preparation guide prints as a PDF, with the catalogue's Danish text verbatim."""

import urllib.request

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from common.pdf import page_numbers_content, render_pdf
from competencies.models import Catalogue, QuestionSet, Statement
from competencies.views import guide_filename
from tests.pdf import Pdf, squeeze

pytestmark = pytest.mark.django_db


def guide_url(catalogue, questions=None) -> str:
    url = reverse("catalogue_guide_pdf", args=[catalogue.pk])
    return url if questions is None else f"{url}?questions={questions}"


@pytest.fixture
def logged_in(client, employee):
    client.force_login(employee.user)
    return client


def get_guide(client, tmp_path, catalogue, questions=None) -> Pdf:
    response = client.get(guide_url(catalogue, questions))
    assert response.status_code == 200
    return Pdf(tmp_path / "guide.pdf", response.content)


def test_the_guide_is_an_inline_pdf(logged_in, kl_catalogue):
    response = logged_in.get(guide_url(kl_catalogue))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'inline; filename="mus-forberedelse-kl-mus-2015.pdf"'
    )
    assert response.content.startswith(b"%PDF")


def test_the_guide_is_a4_portrait_with_numbered_pages(logged_in, kl_catalogue, tmp_path):
    pdf = get_guide(logged_in, tmp_path, kl_catalogue)
    width, height = pdf.page_size
    assert width == pytest.approx(595.28, abs=1)
    assert height == pytest.approx(841.89, abs=1)
    assert pdf.pages > 1
    text = pdf.lines()
    for page in range(1, pdf.pages + 1):
        assert f"Side {page} af {pdf.pages}" in text


def test_page_numbers_follow_the_chosen_language(client, employee, kl_catalogue, tmp_path):
    client.force_login(employee.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    pdf = get_guide(client, tmp_path, kl_catalogue)
    assert f"Page 1 of {pdf.pages}" in pdf.lines()


def test_danish_letters_survive(logged_in, kl_catalogue, tmp_path):
    pdf = get_guide(logged_in, tmp_path, kl_catalogue)
    for text in [
        "Målrettet kompetenceudvikling – med effekt",
        "Ikke villlig til at påtage sig nye opgaver.",
        "Hvad er gået godt, hvad har været udfordrende? Og hvorfor?",
        "Præstationer og resultater",
        "Medarbejder og chef har et fælles ansvar for medarbejderens kompetenceudvikling",
    ]:
        assert text in pdf.lines(), text


def test_the_kl_guide_carries_the_whole_booklet(logged_in, kl_catalogue, kl_questions, tmp_path):
    pdf = get_guide(logged_in, tmp_path, kl_catalogue)
    competences = list(kl_catalogue.competences.prefetch_related("statements"))
    assert len(competences) == 8
    for competence in competences:
        assert competence.name in pdf.lines()
        for statement in competence.statements.all():
            assert pdf.flows(statement.text), statement.text
    questions = [
        q for t in kl_questions.themes.prefetch_related("questions") for q in t.questions.all()
    ]
    assert len(questions) == 11
    for question in questions:
        assert pdf.flows(question.text), question.text
    for text in kl_catalogue.texts.all():
        assert pdf.flows(text.text), text.text
        assert pdf.flows(text.title)
    assert pdf.flows(kl_catalogue.introduction)
    assert pdf.flows(kl_catalogue.wheel_introduction)
    assert pdf.flows(kl_catalogue.competences_introduction)


def test_the_booklets_order(logged_in, kl_catalogue, tmp_path):
    flow = squeeze(get_guide(logged_in, tmp_path, kl_catalogue).flow)
    landmarks = [
        "Dette materiale er inspiration til MUS-samtalen",  # introduction
        "At få drøftet det seneste års præstationer",  # purpose
        "Præstationer og resultater",  # MUS topics
        "Hvilke resultater og præstationer har jeg opnået",  # the questions
        "Kompetencehjulet skal understøtte",  # the wheel
        "I KL drejer det sig om 8 kompetencer",  # the competences
        "Pointer til fastholdelse",  # reflections
        "KL bidrager til at udvikle og fastholde et stærkt lokalt demokrati",  # mission
    ]
    positions = [flow.find(squeeze(text)) for text in landmarks]
    assert -1 not in positions
    assert positions == sorted(positions)


def test_the_wheel_is_blank_with_every_competence_and_the_empty_slots(
    logged_in, kl_catalogue, monkeypatch
):
    drawn = {}

    def spy(teeth, **kwargs):
        drawn["teeth"] = teeth
        return real(teeth, **kwargs)

    from competencies import views

    real = views.render_wheel
    monkeypatch.setattr(views, "render_wheel", spy)
    assert logged_in.get(guide_url(kl_catalogue)).status_code == 200
    teeth = drawn["teeth"]
    names = [c.name for c in kl_catalogue.competences.all()]
    assert [t.label for t in teeth if not t.empty] == names
    assert sum(t.empty for t in teeth) == kl_catalogue.custom_slots == 2
    assert not any(t.marks for t in teeth)


def test_the_general_catalogue_has_no_indicators_and_its_own_questions(
    logged_in, catalogues, tmp_path
):
    general = Catalogue.objects.get(name="Generel", version=1)
    pdf = get_guide(logged_in, tmp_path, general)
    assert not Statement.objects.filter(
        competence__catalogue=general, kind__in=["positive", "negative"]
    ).exists()
    assert "indikatorer" not in pdf.lines().lower()
    assert "indicators" not in pdf.lines().lower()
    for competence in general.competences.all():
        assert competence.name in pdf.lines()
    general_questions = QuestionSet.objects.get(name="Generel", version=1)
    for theme in general_questions.themes.all():
        for question in theme.questions.all():
            assert pdf.flows(question.text), question.text


def test_a_question_set_can_be_chosen(logged_in, catalogues, kl_questions, tmp_path):
    general = Catalogue.objects.get(name="Generel", version=1)
    pdf = get_guide(logged_in, tmp_path, general, questions=kl_questions.pk)
    assert pdf.flows("Hvordan har jeg udfyldt mine funktioner/roller?")


def test_a_catalogue_without_its_question_set_prints_without_questions(
    logged_in, kl_catalogue, tmp_path
):
    copy = kl_catalogue.copy_as_new_version()  # version 2: no question set of that version
    pdf = get_guide(logged_in, tmp_path, copy)
    assert not pdf.flows("Hvilke resultater og præstationer har jeg opnået det seneste år?")
    assert pdf.flows("Ikke villlig til at påtage sig nye opgaver.")


def test_the_filename_spells_out_danish_letters(kl_catalogue):
    kl_catalogue.name = "Ældre- og Sundhedsområdet på Ø"
    assert guide_filename(kl_catalogue) == "mus-forberedelse-aeldre-og-sundhedsomraadet-paa-oe.pdf"


def test_anonymous_is_sent_to_log_in(client, kl_catalogue):
    url = guide_url(kl_catalogue)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("questions", ["999999", "abc", ""])
def test_unknown_question_set_is_404(logged_in, kl_catalogue, questions):
    assert logged_in.get(guide_url(kl_catalogue, questions)).status_code == 404


def test_unknown_catalogue_is_404(logged_in, catalogues):
    url = reverse("catalogue_guide_pdf", args=[999999])
    assert logged_in.get(url).status_code == 404


def test_the_number_of_queries_does_not_grow_with_the_catalogue(
    logged_in, kl_catalogue, catalogues, django_assert_max_num_queries
):
    general = Catalogue.objects.get(name="Generel", version=1)
    counts = []
    for catalogue in (kl_catalogue, general):
        with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as queries:
            assert logged_in.get(guide_url(catalogue)).status_code == 200
        counts.append(len(queries))
    # KL's catalogue carries three times the statements of the general one.
    assert counts[0] == counts[1]


def test_pdfs_never_fetch_over_the_network(rf, settings, monkeypatch):
    settings.TEMPLATES = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {
                "loaders": [
                    (
                        "django.template.loaders.locmem.Loader",
                        {
                            "probe.html": '<p>Æblegrød</p><img src="https://example.org/x.png">'
                            '<img src="/static/favicon.svg">'
                            '<link rel="stylesheet" href="http://example.org/x.css">'
                        },
                    )
                ]
            },
        }
    ]
    opened = []

    def refuse(self, url, *args, **kwargs):
        opened.append(url)
        raise OSError("no network in a PDF")

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", refuse)
    content = render_pdf(rf.get("/"), "probe.html", {})
    assert content.startswith(b"%PDF")
    assert opened == []


def test_page_numbers_in_css_follow_the_language():
    with translation.override("da"):
        assert page_numbers_content() == '"Side " counter(page) " af " counter(pages)'
    with translation.override("en"):
        assert page_numbers_content() == '"Page " counter(page) " of " counter(pages)'
