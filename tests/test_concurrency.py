"""Nothing lost, nothing doubled, no 500 when requests collide: real threads on PostgreSQL.

Each case starts its requests in threads that a barrier releases together, each thread
with its own database connection, through the test client, so that the views, the
services and the database's locks are what is tested. A race is a matter of chance,
so each case is repeated; every repetition must hold.

SQLite serialises every write transaction (``transaction_mode=IMMEDIATE``), so races
there are impossible by construction; these tests run where CI runs the suite on
PostgreSQL.
"""

import itertools
import threading
from concurrent.futures import ThreadPoolExecutor
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from competencies.models import Question
from hr.models import RoundJob
from organisation.factories import DepartmentFactory
from reviews.factories import AnswerFactory, GoalFactory, PreparationFactory
from reviews.models import TALK_STATES, Answer, Goal, Mark, Preparation, Review, State
from tests.conftest import make_person, make_round
from trail.models import ReviewEvent
from trail.recording import removal

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="races need a database that runs transactions side by side: PostgreSQL",
    ),
    pytest.mark.django_db(transaction=True),
]

REPETITIONS = 8
HTMX = {"HTTP_HX_REQUEST": "true"}


def at_once(*calls):
    """Run the calls in threads released together; their results, in order.

    A call that raises (a 500 in the test client) fails the test with its exception.
    """
    barrier = threading.Barrier(len(calls))

    def run(call):
        try:
            barrier.wait(timeout=30)
            return call()
        finally:
            connection.close()  # this thread's own connection

    with ThreadPoolExecutor(len(calls)) as pool:
        futures = [pool.submit(run, call) for call in calls]
        return [future.result() for future in futures]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


SECOND_MUS = {"second_round": "yes"}  # hr.views.rounds.SECOND_ROUND: the explicit yes


def post(client, url, data=None, **headers):
    return lambda: client.post(url, data or {}, **headers)


def assert_no_server_error(responses):
    assert all(r.status_code < 500 for r in responses), [r.status_code for r in responses]


def assert_events_form_one_path(review):
    """The review's history is one path through the cycle: no move made twice."""
    moves = list(
        ReviewEvent.objects.filter(review=review, kind=ReviewEvent.Kind.STATE)
        .order_by("at", "pk")
        .values_list("old", "new")
    )
    for (_old, new), (following, _next) in itertools.pairwise(moves):
        assert following == new, moves
    if moves:
        assert moves[-1][1] == Review.objects.get(pk=review.pk).state


def reset(review, state=State.INVITED):
    """The review as it was before anyone wrote: no preparations, no history."""
    Preparation.objects.filter(review=review).delete()
    with removal("test: the review as it was"):  # the trail is append-only otherwise
        ReviewEvent.objects.filter(review=review).delete()
    talk_manager = review.manager if state in TALK_STATES else None
    Review.objects.filter(pk=review.pk).update(state=state, talk_manager=talk_manager)
    review.refresh_from_db()


def run_worker():
    """The task worker until the queue is empty: HR's openings run there."""
    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval=0",
        verbosity=0, stdout=StringIO(),
    )  # fmt: skip


# Rounds


def test_opening_a_round_twice_at_once_gives_each_participant_one_review(
    kl_catalogue, kl_questions, office, employee, colleague, hr_user
):
    tabs = [client_for(hr_user), client_for(hr_user)]
    for attempt in range(REPETITIONS):
        round_ = make_round(kl_catalogue, kl_questions, name=f"MUS {attempt}")
        round_.departments.add(office)
        url = reverse("round_open", args=[round_.pk])
        # Each attempt is another round of the same year: HR says yes to a second MUS.
        responses = at_once(*(post(tab, url, SECOND_MUS) for tab in tabs))
        assert [r.status_code for r in responses] == [302, 302]
        # The second click joined the first: one job, run by the task worker.
        assert RoundJob.objects.filter(round=round_).count() == 1
        run_worker()
        employees = round_.reviews.values_list("employee__user__username", flat=True)
        assert sorted(employees) == ["anne", "bo"]


def test_people_added_while_the_round_opens_all_get_a_review(
    kl_catalogue, kl_questions, office, manager, employee, hr_user
):
    other_office = DepartmentFactory(name="Andet kontor")
    newcomers = [make_person(f"ny{i}", other_office, manager=manager) for i in range(REPETITIONS)]
    opener, adder = client_for(hr_user), client_for(hr_user)
    for attempt, newcomer in enumerate(newcomers):
        round_ = make_round(kl_catalogue, kl_questions, name=f"MUS {attempt}")
        round_.departments.add(office)
        responses = at_once(
            post(opener, reverse("round_open", args=[round_.pk]), SECOND_MUS),
            post(
                adder,
                reverse("round_participants", args=[round_.pk]),
                {"people": newcomer.employee_number},
            ),
        )
        assert [r.status_code for r in responses] == [302, 302]
        run_worker()
        employees = set(round_.reviews.values_list("employee_id", flat=True))
        assert employees == {employee.pk, newcomer.pk}, f"attempt {attempt}"


# Preparation


@pytest.fixture
def anne_tabs(employee):
    return client_for(employee.user), client_for(employee.user)


def test_fast_marking_from_two_tabs_keeps_one_mark_with_a_level_that_was_posted(review, anne_tabs):
    competence = review.round.catalogue.competences.first()
    url = reverse("prepare_level", args=[review.public_id])
    levels = ["strong", "focus"]
    for _attempt in range(REPETITIONS):
        reset(review)
        # The first mark creates the preparation and the mark and starts the review:
        # each tab marks three times in a row, the two tabs at once.
        responses = at_once(
            *(
                lambda tab=tab, level=level: [
                    tab.post(url, {"key": f"c{competence.pk}", "level": level}, **HTMX)
                    for _ in range(3)
                ]
                for tab, level in zip(anne_tabs, levels, strict=True)
            )
        )
        statuses = [r.status_code for tab in responses for r in tab]
        assert statuses == [200] * 6
        marks = Mark.objects.filter(preparation__review=review, competence=competence)
        assert marks.count() == 1
        assert marks.get().level in levels
        assert Review.objects.get(pk=review.pk).state == State.PREPARING
        assert_events_form_one_path(review)


def test_the_first_save_of_one_answer_from_two_tabs_loses_nothing_unseen(review, anne_tabs):
    question = Question.objects.filter(theme__question_set=review.round.question_set).first()
    field = f"answer-{question.pk}"
    url = reverse("prepare_text", args=[review.public_id])
    for attempt in range(REPETITIONS):
        reset(review)
        texts = [f"Fane 1, forsøg {attempt}", f"Fane 2, forsøg {attempt}"]
        responses = at_once(
            *(
                post(tab, url, {"field": field, field: text, f"{field}-version": "0"}, **HTMX)
                for tab, text in zip(anne_tabs, texts, strict=True)
            )
        )
        assert [r.status_code for r in responses] == [200, 200]
        # One tab saved; the other was told of the conflict, its text still in its field.
        conflicts = [r for r in responses if r.get("HX-Retarget") == f"#conflict-{field}"]
        assert len(conflicts) == 1
        answer = Answer.objects.get(preparation__review=review, question=question)
        saved = texts[1 - responses.index(conflicts[0])]
        assert (answer.text, answer.text_version) == (saved, 1)
        assert saved in conflicts[0].content.decode()


def test_employee_and_manager_starting_to_prepare_at_once_both_save(review, employee, manager):
    question = Question.objects.filter(theme__question_set=review.round.question_set).first()
    field = f"answer-{question.pk}"
    url = reverse("prepare_text", args=[review.public_id])
    anne, mette = client_for(employee.user), client_for(manager.user)
    for _attempt in range(REPETITIONS):
        reset(review)
        responses = at_once(
            *(
                post(party, url, {"field": field, field: who, f"{field}-version": "0"}, **HTMX)
                for party, who in [(anne, "Anne"), (mette, "Mette")]
            )
        )
        assert [r.status_code for r in responses] == [200, 200]
        saved = dict(
            Answer.objects.filter(preparation__review=review).values_list(
                "preparation__party", "text"
            )
        )
        assert saved == {"employee": "Anne", "manager": "Mette"}
        assert Review.objects.get(pk=review.pk).state == State.PREPARING
        assert_events_form_one_path(review)


def _prepared(review, *shared_by):
    reset(review, State.PREPARING)
    for party in ("employee", "manager"):
        PreparationFactory(
            review=review,
            party=party,
            shared_at=timezone.now() if party in shared_by else None,
        )


def test_both_sharing_at_once_leaves_the_review_shared(review, employee, manager):
    anne, mette = client_for(employee.user), client_for(manager.user)
    url = reverse("prepare_share", args=[review.public_id])
    for _attempt in range(REPETITIONS):
        _prepared(review)
        responses = at_once(post(anne, url), post(mette, url))
        assert [r.status_code for r in responses] == [302, 302]
        assert Review.objects.get(pk=review.pk).state == State.SHARED
        assert not Preparation.objects.filter(review=review, shared_at__isnull=True).exists()
        assert_events_form_one_path(review)


def test_sharing_while_the_manager_starts_the_talk(review, employee, manager):
    anne, mette = client_for(employee.user), client_for(manager.user)
    for _attempt in range(REPETITIONS):
        _prepared(review, "manager")
        responses = at_once(
            post(anne, reverse("prepare_share", args=[review.public_id])),
            post(mette, reverse("talk_start", args=[review.public_id])),
        )
        assert_no_server_error(responses)
        assert Review.objects.get(pk=review.pk).state == State.TALK_STARTED
        assert not Preparation.objects.filter(review=review, shared_at__isnull=True).exists()
        assert_events_form_one_path(review)


def test_taking_back_while_reading_the_others_never_leaves_both(review, employee, manager):
    """Mette has shared and opens Anne's shared preparation while, in another tab, she takes
    hers back: either she read Anne's and her own sharing stays, or she took it back and
    the page did not show Anne's. Never both: that is reading and then changing one's marks."""
    mette = client_for(manager.user)
    page = reverse("prepare", args=[review.public_id])
    take_back = reverse("prepare_take_back", args=[review.public_id])
    for _attempt in range(REPETITIONS):
        _prepared(review, "employee", "manager")
        AnswerFactory(
            preparation=Preparation.objects.get(review=review, party="employee"),
            question=Question.objects.filter(theme__question_set=review.round.question_set)[0],
            text="Annes forseglede svar",
        )
        shown, _taken = at_once(lambda: mette.get(page), post(mette, take_back))
        read = "Annes forseglede svar" in shown.content.decode()
        still_shared = Preparation.objects.get(review=review, party="manager").is_shared
        assert read <= still_shared, "read Anne's, then took her own sharing back"


def test_an_answer_typed_while_the_talk_starts_is_saved_before_or_refused(
    review, employee, manager
):
    question = Question.objects.filter(theme__question_set=review.round.question_set).first()
    field = f"answer-{question.pk}"
    anne, mette = client_for(employee.user), client_for(manager.user)
    for attempt in range(REPETITIONS):
        _prepared(review, "manager")
        text = f"Skrevet i sidste øjeblik {attempt}"
        responses = at_once(
            post(
                anne,
                reverse("prepare_text", args=[review.public_id]),
                {"field": field, field: text, f"{field}-version": "0"},
                **HTMX,
            ),
            post(mette, reverse("talk_start", args=[review.public_id])),
        )
        assert_no_server_error(responses)
        saved = Answer.objects.filter(preparation__review=review, text=text).exists()
        # Either the answer was in before the talk began, or the writer was told it was not.
        assert saved == (responses[0].status_code == 200), responses[0].content
        assert Review.objects.get(pk=review.pk).state == State.TALK_STARTED


# The talk's goals


@pytest.fixture
def goal_talk(review, employee, manager):
    Review.objects.filter(pk=review.pk).update(state=State.TALK_STARTED, talk_manager=manager)
    return review, client_for(employee.user), client_for(manager.user)


def _goal(review, title="Lære at formidle"):
    Goal.objects.filter(review=review).delete()
    return GoalFactory(
        review=review, title=title, wording=1, accepted_by_employee=1, accepted_by_manager=1
    )


def test_two_people_editing_one_goal_at_once_lose_no_wording_unseen(goal_talk):
    review, anne, mette = goal_talk
    for attempt in range(REPETITIONS):
        goal = _goal(review)
        url = reverse("goal_edit", args=[review.public_id, goal.pk])
        titles = [f"Annes ord {attempt}", f"Mettes ord {attempt}"]
        responses = at_once(
            *(
                post(party, url, {"title": title, "wording": "1"})
                for party, title in zip((anne, mette), titles, strict=True)
            )
        )
        assert [r.status_code for r in responses] == [302, 302]
        goal.refresh_from_db()
        # One wording won; the other writer was refused, not overwritten unseen.
        assert goal.wording == 2
        assert goal.title in titles
        winner = "employee" if goal.title == titles[0] else "manager"
        loser = "manager" if winner == "employee" else "employee"
        assert getattr(goal, f"accepted_by_{winner}") == 2
        assert getattr(goal, f"accepted_by_{loser}") == 1
        assert not goal.is_agreed


def test_accepting_while_the_other_rewords_never_agrees_to_an_unread_wording(goal_talk):
    review, anne, mette = goal_talk
    for attempt in range(REPETITIONS):
        goal = _goal(review)
        Goal.objects.filter(pk=goal.pk).update(accepted_by_employee=0)
        responses = at_once(
            post(anne, reverse("goal_accept", args=[review.public_id, goal.pk]), {"wording": "1"}),
            post(
                mette,
                reverse("goal_edit", args=[review.public_id, goal.pk]),
                {"title": f"Nye ord {attempt}", "wording": "1"},
            ),
        )
        assert [r.status_code for r in responses] == [302, 302]
        goal.refresh_from_db()
        assert (goal.wording, goal.accepted_by_manager) == (2, 2)
        assert goal.accepted_by_employee in (0, 1)  # before the change, or refused
        assert not goal.is_agreed


def test_both_accepting_at_once_agrees_the_goal(goal_talk):
    review, anne, mette = goal_talk
    for _attempt in range(REPETITIONS):
        goal = _goal(review)
        Goal.objects.filter(pk=goal.pk).update(
            wording=2, accepted_by_employee=1, accepted_by_manager=1
        )
        url = reverse("goal_accept", args=[review.public_id, goal.pk])
        responses = at_once(post(anne, url, {"wording": "2"}), post(mette, url, {"wording": "2"}))
        assert [r.status_code for r in responses] == [302, 302]
        goal.refresh_from_db()
        assert goal.is_agreed


def _typed(goal, name, text, version=0):
    """One text of the goal as htmx posts it while one types (issue 16)."""
    field = f"goal-{goal.pk}-{name}"
    return {"field": field, field: text, f"{field}-version": version}


def test_both_typing_in_one_goal_at_once_lose_nothing_unseen(goal_talk):
    """The same text from two people at once: one is saved, the other shown beside it as a
    conflict; different texts of the goal: both saved. Neither way is anything lost."""
    review, anne, mette = goal_talk
    for attempt in range(REPETITIONS):
        goal = _goal(review)
        url = reverse("goal_edit", args=[review.public_id, goal.pk])
        titles = [f"Annes ord {attempt}", f"Mettes ord {attempt}"]
        responses = at_once(
            post(anne, url, _typed(goal, "title", titles[0]), **HTMX),
            post(mette, url, _typed(goal, "title", titles[1]), **HTMX),
        )
        assert [r.status_code for r in responses] == [200, 200]
        conflicts = [r for r in responses if r.get("HX-Retarget", "").startswith("#conflict-")]
        goal.refresh_from_db()
        assert len(conflicts) == 1 and goal.title in titles
        # The saved words are shown beside the other's, which stay in their box.
        assert goal.title in conflicts[0].content.decode()
        assert (goal.wording, goal.title_version) == (2, 1)

        goal = _goal(review)
        url = reverse("goal_edit", args=[review.public_id, goal.pk])
        at_once(
            post(anne, url, _typed(goal, "actions", f"Kursus {attempt}"), **HTMX),
            post(mette, url, _typed(goal, "responsible", f"Mette {attempt}"), **HTMX),
        )
        goal.refresh_from_db()
        assert (goal.actions, goal.responsible) == (f"Kursus {attempt}", f"Mette {attempt}")
        assert goal.wording == 3 and not goal.is_agreed


def test_accepting_while_the_other_types_never_agrees_to_unread_words(goal_talk):
    review, anne, mette = goal_talk
    for attempt in range(REPETITIONS):
        goal = _goal(review)
        Goal.objects.filter(pk=goal.pk).update(accepted_by_employee=0)
        url = reverse("goal_edit", args=[review.public_id, goal.pk])
        responses = at_once(
            post(anne, reverse("goal_accept", args=[review.public_id, goal.pk]), {"wording": "1"}),
            post(mette, url, _typed(goal, "title", f"Nye ord {attempt}"), **HTMX),
        )
        assert_no_server_error(responses)
        goal.refresh_from_db()
        assert (goal.wording, goal.accepted_by_manager, goal.title) == (2, 2, f"Nye ord {attempt}")
        assert goal.accepted_by_employee in (0, 1)  # before the change, or refused
        assert not goal.is_agreed


def test_rewording_a_goal_the_other_removes_at_once(goal_talk):
    review, anne, mette = goal_talk
    for _attempt in range(REPETITIONS):
        goal = _goal(review)
        responses = at_once(
            post(
                anne,
                reverse("goal_edit", args=[review.public_id, goal.pk]),
                {"title": "Ændret", "wording": "1"},
            ),
            post(mette, reverse("goal_delete", args=[review.public_id, goal.pk])),
        )
        assert_no_server_error(responses)
        assert not Goal.objects.filter(pk=goal.pk).exists()
