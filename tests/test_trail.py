"""The trail: every read and write of a review's content, who, when, what, append-only.

The walk below takes one review through its whole cycle by its URLs, the way its parties
and HR use them, and checks after each request the trail entries it left. The URLs
come from the URL resolver: a review URL that the walk does not take fails it.
"""

import itertools
import re

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import URLResolver, get_resolver, reverse

from common.factories import build_many
from competencies.models import Question
from reviews.access import access_to
from reviews.models import Goal, State
from trail.factories import ReviewEventFactory
from trail.models import Action, ReviewEvent, Role, TrailIsAppendOnlyError, TrailRemoval
from trail.recording import removal

pytestmark = pytest.mark.django_db

READ, WRITE, MOVE, MANAGER = "read", "write", "state", "manager"


def _patterns():
    """Every URL pattern, from the URL resolver."""

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns)
            else:
                yield pattern

    return list(walk(get_resolver().url_patterns))


E, M, H = "employee", "manager", "hr"
ANSWER = {"field": "answer-{q}", "answer-{q}": "Mit svar", "answer-{q}-version": "0"}

# One review's whole cycle, request by request: (URL name, who, method, data, the goal
# it names, and the entries it leaves as (who, kind, what)). The who is also the role.
CYCLE = [
    ("review_detail", E, "GET", {}, None, [(E, READ, Action.OPENED_REVIEW)]),
    ("prepare", E, "GET", {}, None, [(E, READ, Action.OPENED_PREPARATION)]),
    ("prepare_share_confirm", E, "GET", {}, None, [(E, READ, Action.OPENED_PREPARATION)]),
    # htmx: the first answer starts the review.
    (
        "prepare_text",
        E,
        "HX",
        ANSWER,
        None,
        [(E, MOVE, State.PREPARING), (E, WRITE, Action.SAVED_ANSWER)],
    ),
    (
        "prepare_level",
        E,
        "HX",
        {"key": "c{c}", "level": "strong"},
        None,
        [(E, WRITE, Action.MARKED_COMPETENCE)],
    ),
    # The plain form saves several fields at once: one entry per kind of write.
    (
        "prepare",
        E,
        "POST",
        {
            "answer-{q}": "Nyt",
            "answer-{q}-version": "1",
            "note-c{c}": "Note",
            "note-c{c}-version": "0",
        },
        None,
        [(E, WRITE, Action.SAVED_ANSWER), (E, WRITE, Action.SAVED_NOTE)],
    ),
    ("prepare_share", E, "POST", {}, None, [(E, WRITE, Action.SHARED_PREPARATION)]),
    ("prepare_take_back", E, "POST", {}, None, [(E, WRITE, Action.TOOK_BACK_PREPARATION)]),
    ("prepare_share", E, "POST", {}, None, [(E, WRITE, Action.SHARED_PREPARATION)]),
    (
        "prepare_share",
        M,
        "POST",
        {},
        None,
        [(M, WRITE, Action.SHARED_PREPARATION), (M, MOVE, State.SHARED)],
    ),
    ("prepare", M, "GET", {}, None, [(M, READ, Action.READ_BOTH_PREPARATIONS)]),
    ("review_move", H, "GET", {}, None, []),  # HR's form: names and status, not the content
    # The talk's time and place are the review's dates, which HR sees too: not content.
    ("talk_time", M, "GET", {}, None, []),
    (
        "talk_time",
        M,
        "POST",
        {"date": "2027-02-16", "time": "09:00", "minutes": "60", "place": "Lokale 2"},
        None,
        [],
    ),
    # The place as typed, saved and not sent: not content either.
    (
        "talk_place",
        M,
        "HX",
        {"field": "place", "place": "Lokale 3", "place-version": "0"},
        None,
        [],
    ),
    ("talk_ics", E, "GET", {}, None, []),
    ("talk_time_cancel", M, "POST", {}, None, []),
    ("talk_start_confirm", M, "GET", {}, None, []),
    ("talk_start", M, "POST", {}, None, [(M, MOVE, State.TALK_STARTED)]),
    ("talk", E, "GET", {}, None, [(E, READ, Action.OPENED_TALK)]),
    ("talk_projector", E, "GET", {}, None, [(E, READ, Action.OPENED_TALK)]),
    ("talk_focus", M, "POST", {"focus": "c{c}"}, None, [(M, WRITE, Action.CHOSE_FOCUS_AREAS)]),
    ("goal_add", M, "POST", {"title": "Et mål"}, None, [(M, WRITE, Action.ADDED_GOAL)]),
    ("goal_add", M, "POST", {}, None, [(M, READ, Action.OPENED_TALK)]),  # no title: the page
    (
        "goal_edit",
        E,
        "POST",
        {"title": "Et bedre mål", "wording": 1},
        "Et mål",
        [(E, WRITE, Action.REWORDED_GOAL)],
    ),
    ("goal_accept", M, "POST", {"wording": 2}, "Et bedre mål", [(M, WRITE, Action.ACCEPTED_GOAL)]),
    (
        "goal_status",
        E,
        "POST",
        {"status": "under_way"},
        "Et bedre mål",
        [(E, WRITE, Action.SET_GOAL_STATUS)],
    ),
    (
        "talk_text",
        M,
        "POST",
        {"field": "summary", "summary": "Resumé"},
        None,
        [(M, WRITE, Action.WROTE_SUMMARY)],
    ),
    (
        "talk_text",
        E,
        "POST",
        {"field": "talk_notes", "talk_notes": "Noter"},
        None,
        [(E, WRITE, Action.WROTE_TALK_NOTES)],
    ),
    ("reflection", E, "GET", {}, None, [(E, READ, Action.OPENED_REFLECTIONS)]),
    (
        "reflection",
        E,
        "POST",
        {"role": "Mere ansvar", "other": "Og"},
        None,
        [(E, WRITE, Action.SAVED_REFLECTIONS)],
    ),
    ("reflection_share", E, "POST", {}, None, [(E, WRITE, Action.SHARED_REFLECTIONS)]),
    ("goal_add", E, "POST", {"title": "Et til"}, None, [(E, WRITE, Action.ADDED_GOAL)]),
    ("goal_delete", M, "POST", {}, "Et til", [(M, WRITE, Action.REMOVED_GOAL)]),
    ("talk_end_confirm", M, "GET", {}, None, []),
    ("talk_end", M, "POST", {}, None, [(M, MOVE, State.TALK_HELD)]),
    ("talk_confirm", E, "POST", {}, None, [(E, MOVE, State.CONCLUDED)]),
    ("review_pdf", E, "GET", {}, None, [(E, READ, Action.DOWNLOADED_PDF)]),
    ("review_pdf", H, "GET", {}, None, [(H, READ, Action.DOWNLOADED_PDF)]),
    ("review_trail", E, "GET", {}, None, []),  # reading one's trail is not reading the review
    ("review_reopen", H, "GET", {}, None, []),
    ("review_reopen", H, "POST", {"reason": "Rettelse"}, None, [(H, MOVE, State.TALK_HELD)]),
    (
        "review_move",
        H,
        "POST",
        {"manager": "{other}", "reason": "Ny organisering"},
        None,
        [(H, MANAGER, "")],
    ),
    # Refused (the goal is agreed and the review reopened): nothing written, the refusal noted.
    ("goal_accept", E, "POST", {"wording": 1}, "Et bedre mål", [(E, "refused", "goal_accept")]),
]


def test_the_whole_cycle_leaves_its_trail(
    client, review, employee, manager, other_manager, hr_user
):
    people = {E: employee.user, M: manager.user, H: hr_user}
    question = Question.objects.filter(theme__question_set=review.round.question_set).first()
    values = {
        "q": question.pk,
        "c": review.round.catalogue.competences.get(name="Politik").pk,
        "other": other_manager.employee_number,
    }
    for step, (name, who, method, data, goal, expected) in enumerate(CYCLE):
        client.force_login(people[who])
        args = [review.public_id]
        if name in ("review_move", "review_reopen"):
            args.insert(0, review.round.pk)
        if goal:
            args.append(Goal.objects.get(review=review, title=goal).pk)
        data = {k.format(**values): str(v).format(**values) for k, v in data.items()}
        data.setdefault("version", "0")
        last = ReviewEvent.objects.order_by("pk").last()
        if method == "GET":
            response = client.get(reverse(name, args=args))
        else:
            response = client.post(
                reverse(name, args=args),
                data,
                headers={"HX-Request": "true"} if method == "HX" else {},
            )
        assert response.status_code in (200, 302), (step, name, response.status_code)
        left = ReviewEvent.objects.filter(pk__gt=last.pk if last else 0).order_by("pk")
        assert [(e.actor, e.role, e.kind, e.action or e.new) for e in left] == [
            (people[w], w, kind, what) for w, kind, what in expected
        ], (step, name)

    review_urls = {p.name for p in _patterns() if "public_id" in str(p.pattern)}
    assert review_urls - {step[0] for step in CYCLE} == set(), "walk these review URLs too"


def test_nothing_is_read_without_a_trail_entry_and_nothing_else(client, review, employee):
    """One INSERT for a page, and no read of the trail, whatever the page shows."""
    client.force_login(employee.user)
    for name in ("review_detail", "prepare", "reflection"):
        url = reverse(name, args=[review.public_id])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        trail_sql = [q["sql"] for q in queries if "trail_reviewevent" in q["sql"]]
        assert len(trail_sql) == 1 and trail_sql[0].startswith("INSERT"), (name, trail_sql)


def test_an_autosave_costs_one_insert_into_the_trail(client, review, employee):
    client.force_login(employee.user)
    question = Question.objects.filter(theme__question_set=review.round.question_set).first()
    name = f"answer-{question.pk}"
    url = reverse("prepare_text", args=[review.public_id])
    client.post(url, {"field": name, name: "Først", f"{name}-version": 0}, HTTP_HX_REQUEST="true")
    with CaptureQueriesContext(connection) as queries:
        client.post(url, {"field": name, name: "Så", f"{name}-version": 1}, HTTP_HX_REQUEST="true")
    trail_sql = [q["sql"] for q in queries if "trail_reviewevent" in q["sql"]]
    assert len(trail_sql) == 1 and trail_sql[0].startswith("INSERT"), trail_sql


def test_refused_requests_are_recorded_as_refusals_never_as_reads(
    client, review, colleague, hr_user
):
    for user in (colleague.user, hr_user):
        client.force_login(user)
        assert client.get(reverse("prepare", args=[review.public_id])).status_code == 404
    entries = ReviewEvent.objects.filter(review=review)
    assert not entries.filter(kind=READ).exists()
    assert sorted(entries.values_list("actor__username", "role", "kind", "action")) == [
        ("bo", Role.OUTSIDER, "refused", "prepare"),
        ("hr", Role.HR, "refused", "prepare"),
    ]


def test_the_round_export_is_on_each_records_trail(tmp_path, client, review, employee, manager):
    from django.core.management import call_command

    from tests.test_review_pdf import conclude

    concluded = conclude(client, review, employee, manager)
    call_command("export_round", concluded.round.name, tmp_path, processes=1, verbosity=0)
    entry = ReviewEvent.objects.filter(review=concluded).last()
    assert (entry.actor, entry.role, entry.kind, entry.action) == (
        None,
        Role.HR,
        READ,
        Action.EXPORTED_ROUND,
    )


class TestAppendOnly:
    @pytest.fixture
    def entry(self, review, employee):
        return ReviewEventFactory(
            review=review, actor=employee.user, kind="read", action=Action.OPENED_REVIEW
        )

    def test_the_application_cannot_change_or_delete_an_entry(self, entry):
        entry.action = Action.OPENED_TALK
        with pytest.raises(TrailIsAppendOnlyError):
            entry.save()
        with pytest.raises(TrailIsAppendOnlyError):
            entry.delete()
        with pytest.raises(TrailIsAppendOnlyError):
            ReviewEvent.objects.filter(pk=entry.pk).update(action=Action.OPENED_TALK)
        with pytest.raises(TrailIsAppendOnlyError):
            ReviewEvent.objects.filter(pk=entry.pk).delete()
        assert ReviewEvent.objects.get(pk=entry.pk).action == Action.OPENED_REVIEW

    @pytest.mark.parametrize(
        "sql",
        [
            "UPDATE trail_reviewevent SET action = 'x' WHERE id = %s",
            "DELETE FROM trail_reviewevent WHERE id = %s",
        ],
    )
    def test_the_database_refuses_too(self, entry, sql):
        with (
            pytest.raises(IntegrityError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [entry.pk])
        assert ReviewEvent.objects.get(pk=entry.pk).action == Action.OPENED_REVIEW

    def test_deleting_a_review_takes_its_trail_only_through_removal(self, entry, review):
        with pytest.raises(IntegrityError), transaction.atomic():
            review.delete()
        assert ReviewEvent.objects.filter(pk=entry.pk).exists()
        with removal("a test"):
            review.delete()
        assert not ReviewEvent.objects.filter(pk=entry.pk).exists()
        # The removal itself is on record, and no longer lets anything be deleted.
        assert TrailRemoval.objects.get().reason == "a test"
        assert not TrailRemoval.objects.filter(active=True).exists()

    def test_the_database_still_refuses_updates_during_a_removal(self, entry):
        with (
            removal("a test"),
            pytest.raises(IntegrityError),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("UPDATE trail_reviewevent SET action = 'x' WHERE id = %s", [entry.pk])


def test_the_admin_shows_the_trail_to_read_only(client, superuser, review, employee):
    entry = ReviewEventFactory(
        review=review, actor=employee.user, kind="read", action=Action.OPENED_REVIEW
    )
    client.force_login(superuser)
    changelist = client.get(reverse("admin:trail_reviewevent_changelist"))
    assert changelist.status_code == 200
    assert "åbnede samtalen" in changelist.content.decode()
    assert client.get(reverse("admin:trail_reviewevent_add")).status_code == 403
    change = reverse("admin:trail_reviewevent_change", args=[entry.pk])
    page = client.get(change)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(change, {"action": "x"}).status_code == 403
    delete = reverse("admin:trail_reviewevent_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert ReviewEvent.objects.get(pk=entry.pk).action == Action.OPENED_REVIEW


def test_hr_has_no_right_to_the_trail_in_the_admin(client, hr_user):
    client.force_login(hr_user)
    assert client.get(reverse("admin:trail_reviewevent_changelist")).status_code == 403


def test_a_long_trail_folds_repeats_and_keeps_the_reasons(client, review, employee, hr_user):
    client.force_login(employee.user)
    question = Question.objects.filter(theme__question_set=review.round.question_set).first()
    name, url = f"answer-{question.pk}", reverse("prepare_text", args=[review.public_id])
    for version in range(12):
        client.post(url, {"field": name, name: f"v{version}", f"{name}-version": version})
    page = client.get(reverse("review_trail", args=[review.public_id])).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "Anne Andersen medarbejder gemte et svar (12 gange)" in text
    assert text.count("gemte et svar") == 1


@pytest.mark.parametrize("entries", [3, 60])
def test_the_trail_page_costs_the_same_however_long_the_trail(
    client,
    review,
    employee,
    manager,
    hr_user,
    other_manager,
    entries,
    django_assert_max_num_queries,
):
    from reviews.services import move_to_manager

    parties = [(employee.user, Role.EMPLOYEE), (manager.user, Role.MANAGER)]
    ReviewEvent.objects.bulk_create(
        build_many(
            ReviewEventFactory,
            (
                {"actor": user, "role": role}
                for user, role in itertools.islice(itertools.cycle(parties), entries)
            ),
            review=review,
            kind="read",
            action=Action.OPENED_TALK,
        )
    )
    move_to_manager(access_to(hr_user, review), other_manager, "Ny organisering")
    client.force_login(employee.user)
    with django_assert_max_num_queries(11):  # the same at 3 entries and at 60
        response = client.get(reverse("review_trail", args=[review.public_id]))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(entries + 1, 100)


def test_the_trail_page_takes_odd_parameters_in_its_stride(client, review, employee):
    client.force_login(employee.user)
    url = reverse("review_trail", args=[review.public_id])
    for query in ("?page=abc", "?page=999&others=1", "?others=yes"):
        assert client.get(url + query).status_code == 200, query
