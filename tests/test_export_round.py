"""export_round: a round's concluded reviews as PDFs for the personnel files, HR's view only."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from reviews.factories import ReviewFactory
from reviews.models import Review, State
from tests.conftest import make_round
from tests.pdf import Pdf, squeeze
from tests.test_review_pdf import (
    DISAGREEMENT,
    EMPLOYEE_LONGER_TERM,
    GOAL,
    MANAGER_REFLECTION,
    PARTIES_ONLY,
    SUMMARY,
    UNAGREED_GOAL,
    conclude,
)

pytestmark = pytest.mark.django_db


def export(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("export_round", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def round_with_records(client, open_round, review, employee, manager, colleague):
    """The employee's review concluded through the talk; the colleague's concluded bare;
    a third person's review still under way."""
    conclude(client, review, employee, manager)
    Review.objects.filter(round=open_round, employee=colleague).update(
        state=State.CONCLUDED,
        talk_manager=F("manager"),
        confirmed_at=datetime.datetime(2027, 3, 2, 9, tzinfo=datetime.UTC),
    )
    return open_round


def expected_names(round_) -> set[str]:
    return {
        f"{r.employee.employee_number}-{slug}.pdf"
        for r, slug in (
            (round_.reviews.get(employee__user__username="anne"), "anne-andersen"),
            (round_.reviews.get(employee__user__username="bo"), "bo"),
        )
    }


def test_writes_hrs_record_of_each_concluded_review(round_with_records, tmp_path):
    folder = tmp_path / "new" / "folder"
    output = export("MUS 2027", str(folder), "--processes", "1")
    assert "Wrote 2 PDFs" in output
    assert {p.name for p in folder.iterdir()} == expected_names(round_with_records)

    anne = squeeze(Pdf(next(folder.glob("*-anne-andersen.pdf"))).text)
    for text in [GOAL, SUMMARY, DISAGREEMENT, "Afsluttet", "Mette Madsen"]:
        assert squeeze(text) in anne, text
    for text in [*PARTIES_ONLY, MANAGER_REFLECTION, EMPLOYEE_LONGER_TERM, UNAGREED_GOAL]:
        assert squeeze(text) not in anne, text
    bo = Pdf(next(folder.glob("*-bo.pdf"))).text
    assert "Bo" in bo and "Side 1 af 1" in bo


def test_reviews_not_concluded_and_other_rounds_are_left_out(
    round_with_records, kl_catalogue, kl_questions, employee, manager, tmp_path
):
    Review.objects.filter(employee__user__username="bo").update(
        state=State.TALK_HELD, talk_manager=F("manager")
    )
    other = make_round(kl_catalogue, kl_questions, name="MUS 2028")
    ReviewFactory(round=other, employee=employee, manager=manager, state=State.CONCLUDED)
    export("MUS 2027", str(tmp_path), "--processes", "1")
    assert [p.name for p in tmp_path.iterdir()] == [f"{employee.employee_number}-anne-andersen.pdf"]


def test_one_process_and_two_give_the_same_files(round_with_records, tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    export("MUS 2027", str(one), "--processes", "1")
    output = export("MUS 2027", str(two), "--processes", "2")
    assert "(2 processes)" in output
    names = sorted(p.name for p in one.iterdir())
    assert names == sorted(p.name for p in two.iterdir())
    for name in names:
        assert (two / name).read_bytes().startswith(b"%PDF")
        assert Pdf(one / name).text == Pdf(two / name).text


def test_an_unknown_round_is_named(db, tmp_path):
    with pytest.raises(CommandError, match="“MUS 1999”"):
        export("MUS 1999", str(tmp_path))
    assert not list(tmp_path.iterdir())


def test_a_round_without_concluded_reviews_writes_nothing(open_round, tmp_path):
    folder = tmp_path / "out"
    output = export("MUS 2027", str(folder))
    assert "no concluded review" in output
    assert not folder.exists()


def test_processes_must_be_positive(open_round, tmp_path):
    with pytest.raises(CommandError, match="--processes"):
        export("MUS 2027", str(tmp_path), "--processes", "0")
