# ruff: noqa: F401, F811  (round_with_records is a fixture of tests/test_export_round.py)
"""HR's bulk work in the background: the click returns at once, a worker does the work in
parts, the round's page shows the progress, a second start joins the first, and the
export is one zip with an index, kept for a while and then deleted.

Here the worker's steps are called in the test's own transaction (``work()``);
tests/test_worker_killed.py runs real worker processes and kills them.
"""

import csv
import datetime
import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from hr import jobs
from hr.models import JobPart, RoundJob
from reviews.models import Review
from tests.conftest import make_person, make_round
from tests.test_export_round import expected_names, round_with_records
from trail.models import Action, ReviewEvent

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def exports_in(tmp_path, settings):
    settings.EXPORT_DIR = tmp_path / "exports"
    return settings.EXPORT_DIR


def work():
    """What the workers do with everything queued: plan, run each part, finish."""
    for job in RoundJob.objects.filter(status=RoundJob.Status.RUNNING, planned=False):
        jobs.plan(job.pk)
    while part := JobPart.objects.filter(status=JobPart.Status.PENDING).order_by("pk").first():
        jobs.run_part(part.pk)


@pytest.fixture
def draft(kl_catalogue, kl_questions, office, employee, colleague):
    round_ = make_round(kl_catalogue, kl_questions)
    round_.departments.add(office)
    return round_


def test_hrs_click_returns_at_once_and_a_worker_creates_the_reviews(
    client, hr_user, draft, employee, colleague, django_assert_max_num_queries
):
    client.force_login(hr_user)
    # 14, whatever the round's size: the job written down, and the check that no
    # participant has another MUS this year (issue 16) in two.
    with django_assert_max_num_queries(14):
        response = client.post(reverse("round_open", args=[draft.pk]))
    assert response["Location"].endswith("#jobs-heading")
    assert not Review.objects.exists()  # not in the click: in the worker
    page = client.get(reverse("round_detail", args=[draft.pk])).content.decode()
    assert "Venter på, at en baggrundsproces går i gang." in page
    assert 'data-hx-trigger="every 2s"' in page  # the page asks again by itself

    work()

    assert set(draft.reviews.values_list("employee", flat=True)) == {employee.pk, colleague.pk}
    draft.refresh_from_db()
    assert draft.status == "open"
    page = client.get(reverse("round_detail", args=[draft.pk])).content.decode()
    assert "2 af 2 færdige" in page


def test_a_second_opening_while_one_runs_joins_it(client, hr_user, draft):
    client.force_login(hr_user)
    client.post(reverse("round_open", args=[draft.pk]))
    response = client.post(reverse("round_open", args=[draft.pk]), follow=True)
    assert "Det var allerede i gang; intet blev startet to gange." in response.content.decode()
    assert RoundJob.objects.count() == 1
    work()
    assert draft.reviews.count() == 2
    # Finished, a new opening is a new job, and creates nothing new.
    client.post(reverse("round_open", args=[draft.pk]))
    work()
    assert RoundJob.objects.filter(status=RoundJob.Status.DONE).count() == 2
    assert draft.reviews.count() == 2


def test_people_added_after_the_plan_are_given_their_reviews_by_the_same_job(
    client, hr_user, draft, manager, office
):
    client.force_login(hr_user)
    client.post(reverse("round_open", args=[draft.pk]))
    jobs.plan(RoundJob.objects.get().pk)
    newcomer = make_person("ny", office, manager=manager)  # in the round's department
    work()
    assert draft.reviews.filter(employee=newcomer).exists()
    job = RoundJob.objects.get()
    assert (job.status, job.done, job.total) == (RoundJob.Status.DONE, 3, 3)


def test_widening_an_open_round_creates_the_reviews_in_the_background(
    client, hr_user, open_round, outsider, manager
):
    outsider.manager = manager
    outsider.save()
    client.force_login(hr_user)
    client.post(
        reverse("round_participants", args=[open_round.pk]), {"people": outsider.employee_number}
    )
    assert not open_round.reviews.filter(employee=outsider).exists()
    work()
    assert open_round.reviews.filter(employee=outsider).count() == 1


def test_a_part_whose_worker_died_is_run_again_and_creates_nothing_twice(
    client, hr_user, draft, tasks_run_at_once
):
    client.force_login(hr_user)
    client.post(reverse("round_open", args=[draft.pk]))
    job = RoundJob.objects.get()
    jobs.plan(job.pk)
    part = JobPart.objects.get(job=job)
    jobs.run_part(part.pk)
    # As if its worker had been killed after committing: claimed long ago, still running.
    JobPart.objects.filter(pk=part.pk).update(
        status=JobPart.Status.RUNNING, claimed_at=timezone.now() - datetime.timedelta(hours=1)
    )
    RoundJob.objects.filter(pk=job.pk).update(status=RoundJob.Status.RUNNING, done=0)
    assert jobs.revive(lease=60)["parts"] == 1  # run again at once (tasks_run_at_once)
    assert draft.reviews.count() == 2
    assert Review.objects.values("employee").distinct().count() == 2


# The export


def test_the_export_is_one_zip_of_hrs_records_with_an_index(
    client,
    hr_user,
    round_with_records,
):
    round_ = round_with_records
    client.force_login(hr_user)
    response = client.post(reverse("round_export", args=[round_.pk]), follow=True)
    assert "bliver skrevet. Fremdriften vises nedenfor." in response.content.decode()
    work()

    job = RoundJob.objects.get(kind=RoundJob.Kind.EXPORT)
    assert (job.status, job.done, job.total, job.failures) == ("done", 2, 2, 0)
    page = client.get(reverse("round_detail", args=[round_.pk])).content.decode()
    url = reverse("round_export_download", args=[round_.pk, job.pk])
    assert url in page and "slettes derefter" in page
    response = client.get(url)
    assert response.status_code == 200
    assert 'filename="mus-2027-pdf.zip"' in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    assert sorted(names) == sorted([*expected_names(round_), "index.csv"])
    assert all(archive.read(n).startswith(b"%PDF") for n in names if n.endswith(".pdf"))
    index = list(csv.DictReader(io.StringIO(archive.read("index.csv").decode())))
    assert {row["file"] for row in index} == expected_names(round_)
    assert {row["employee"] for row in index} == {"Anne Andersen", "Bo"}
    # Each record's trail says HR exported it, once, and who.
    exported = ReviewEvent.objects.filter(action=Action.EXPORTED_ROUND)
    assert sorted(exported.values_list("review__employee__user__username", "actor")) == [
        ("anne", hr_user.pk),
        ("bo", hr_user.pk),
    ]
    assert not (jobs.export_dir(job)).exists()  # the loose files are gone, the zip stays


def test_a_second_export_while_one_runs_joins_it(client, hr_user, round_with_records):
    client.force_login(hr_user)
    client.post(reverse("round_export", args=[round_with_records.pk]))
    client.post(reverse("round_export", args=[round_with_records.pk]))
    assert RoundJob.objects.filter(kind=RoundJob.Kind.EXPORT).count() == 1


def test_an_export_of_a_round_with_no_concluded_review_says_so(client, hr_user, open_round):
    client.force_login(hr_user)
    response = client.post(reverse("round_export", args=[open_round.pk]), follow=True)
    assert (
        "Runden har endnu ingen afsluttet samtale, så der er intet at eksportere."
        in response.content.decode()
    )
    assert not RoundJob.objects.exists()


def test_a_pdf_in_place_is_not_written_again_when_a_part_runs_again(
    client,
    hr_user,
    round_with_records,
):
    client.force_login(hr_user)
    client.post(reverse("round_export", args=[round_with_records.pk]))
    job = RoundJob.objects.get()
    jobs.plan(job.pk)
    part = JobPart.objects.get(job=job)
    # The first of the two PDFs was written before the worker died.
    jobs.export_dir(job).mkdir(parents=True)
    first = round_with_records.reviews.get(employee__user__username="anne")
    from reviews import record

    (jobs.export_dir(job) / record.export_filename(first)).write_bytes(b"%PDF written before")
    jobs.run_part(part.pk)
    archive = zipfile.ZipFile(jobs.archive_path(RoundJob.objects.get()))
    assert archive.read(record.export_filename(first)) == b"%PDF written before"
    assert len(archive.namelist()) == 3


def test_the_zip_is_deleted_after_the_set_time(client, hr_user, round_with_records, settings):
    client.force_login(hr_user)
    client.post(reverse("round_export", args=[round_with_records.pk]))
    work()
    job = RoundJob.objects.get()
    path = jobs.archive_path(job)
    assert path.exists()
    RoundJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - datetime.timedelta(1))
    assert jobs.revive()["deleted"] == 1
    assert not path.exists()
    url = reverse("round_export_download", args=[round_with_records.pk, job.pk])
    assert client.get(url).status_code == 404
    page = client.get(reverse("round_detail", args=[round_with_records.pk])).content.decode()
    assert "Zip-filen er slettet" in page


# Who may


@pytest.mark.parametrize(
    "persona", ["employee", "manager", "colleague", "outsider", "other_manager", "senior_manager"]
)
def test_only_hr_sees_the_progress_and_the_zip(client, persona, request, round_with_records):
    job = RoundJob.objects.create(
        round=round_with_records,
        kind=RoundJob.Kind.EXPORT,
        status=RoundJob.Status.DONE,
        archive="x.zip",
        expires_at=timezone.now() + datetime.timedelta(1),
    )
    client.force_login(request.getfixturevalue(persona).user)
    pk = round_with_records.pk
    assert client.get(reverse("round_jobs", args=[pk]), headers=HTMX).status_code == 404
    assert client.get(reverse("round_export_download", args=[pk, job.pk])).status_code == 404
    assert client.post(reverse("round_export", args=[pk])).status_code == 404
    assert not RoundJob.objects.exclude(pk=job.pk).exists()


def test_the_export_needs_post(client, hr_user, open_round):
    client.force_login(hr_user)
    assert client.get(reverse("round_export", args=[open_round.pk])).status_code == 405


def test_a_zip_of_another_round_is_not_served_through_this_one(
    client,
    hr_user,
    round_with_records,
    kl_catalogue,
    kl_questions,
):
    client.force_login(hr_user)
    client.post(reverse("round_export", args=[round_with_records.pk]))
    work()
    job = RoundJob.objects.get()
    other = make_round(kl_catalogue, kl_questions, name="MUS 2028")
    assert client.get(reverse("round_export_download", args=[other.pk, job.pk])).status_code == 404


def test_the_progress_fragment_stops_asking_when_all_is_done(client, hr_user, draft):
    client.force_login(hr_user)
    client.post(reverse("round_open", args=[draft.pk]))
    fragment = client.get(reverse("round_jobs", args=[draft.pk]), headers=HTMX).content.decode()
    assert fragment.startswith('\n<section class="section" id="jobs"') or 'id="jobs"' in fragment
    assert "<html" not in fragment and 'data-hx-trigger="every 2s"' in fragment
    from notifications.models import Notice

    work()
    Notice.objects.update(status=Notice.Status.SENT)
    fragment = client.get(reverse("round_jobs", args=[draft.pk]), headers=HTMX).content.decode()
    assert "2 af 2 færdige" in fragment and "hx-trigger" not in fragment
    # Without JavaScript the same address is the round's page.
    response = client.get(reverse("round_jobs", args=[draft.pk]))
    assert response["Location"] == reverse("round_detail", args=[draft.pk]) + "#jobs-heading"


@pytest.mark.django_db(transaction=True)  # each part commits, as in a worker
def test_an_opening_in_many_parts_sends_each_manager_one_email(
    client, hr_user, draft, manager, settings, tasks_run_at_once, mailoutbox
):
    settings.JOB_OPEN_PART = 1  # Anne's and Bo's reviews in two parts
    client.force_login(hr_user)
    client.post(reverse("round_open", args=[draft.pk]))  # the tasks run as they commit
    recipients = sorted(m.to[0].split("<")[1].rstrip(">") for m in mailoutbox)
    assert len(recipients) == 3 and len(set(recipients)) == 3
    assert recipients.count(manager.user.email) == 1
