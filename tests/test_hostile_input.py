"""Hostile input to every endpoint: generated posts never cause a 500 or store anything invalid.

Hypothesis posts generated data to every URL of the app (the URL resolver lists them;
a URL this file does not describe fails ``test_every_url_is_covered``): very long
strings, control characters and NUL, wrong types, missing fields, ids of other
people's objects, HTML and ``<script>``. After each post:

- the answer is not a 500 (the test client raises the view's exception);
- every stored row passes the model's ``full_clean()``;
- a refused post (4xx, an error message, a form with errors) changed nothing;
- the posted markup never appears unescaped, neither in the answer nor on the page
  that shows what was written.

Each example runs in a transaction that is rolled back, so every example starts from
the same world. ``HYPOTHESIS_PROFILE=thorough`` runs more examples than CI does.
"""

import operator
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.contrib.messages import constants, get_messages
from django.db import transaction
from django.db.models import F
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from competencies.models import Competence, Question
from hr.models import JobPart, RoundJob
from notifications.models import Notice
from organisation.models import Department, Person, User
from reviews.factories import FocusAreaFactory, GoalFactory, MarkFactory, PreparationFactory
from reviews.models import (
    Answer,
    FocusArea,
    Goal,
    Mark,
    Preparation,
    Reflection,
    Review,
    Round,
    State,
)
from tests import sweep
from tests.conftest import make_person, make_round
from tests.pdf import Pdf
from trail.models import ReviewEvent

pytestmark = pytest.mark.django_db

settings.register_profile(
    "ci",
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
settings.register_profile("thorough", parent=settings.get_profile("ci"), max_examples=300)
settings.load_profile("ci")

# What a hostile post may contain. Markup carries a marker, so that finding it unescaped
# in a page can only mean the page did not escape it.
MARKUP = [
    '<script>alert("mus-xss")</script>',
    '"><img src=x onerror=alert("mus-xss")>',
    "<b>mus-xss</b>",
]
CONTROL = st.sampled_from(["\x00", "\x01", "\x07", "\x1b", "\x7f", "\x85", "\u2028", "\ufeff"])
text = st.one_of(
    st.text(max_size=40),
    st.text(st.characters(codec="utf-8"), max_size=40),
    st.builds(operator.add, st.text(max_size=10), CONTROL),
    st.builds(
        lambda a, m, b: a + m + b,
        st.text(max_size=10),
        st.sampled_from(MARKUP),
        st.text(max_size=10),
    ),
    # Very long: far past every field's limit.
    st.builds(operator.mul, st.text(min_size=1, max_size=3), st.integers(300, 60_000)),
    st.sampled_from(["", " ", "0", "-1", "1e9", "null", "[]", "{}", "Ærø-Åbenrå ø"]),
)
number = st.one_of(
    st.integers(-(2**70), 2**70).map(str),
    st.sampled_from(["", "0", "1", "2", "²", "٣", "1.5", "99999999999999999999"]),
    text,
)


# Every field of every endpoint also gets each of these, in both GET and POST, before the
# generated examples: the classic attacks, certain to be tried whatever Hypothesis draws.
NASTY = ["a\x00b", "x" * 20_001, MARKUP[0], "\x1b[31m\x7f²"]


def choice(*values):
    """A valid value, or anything else."""
    return st.one_of(st.sampled_from(values), text)


def several(strategy):
    """One value, or several under the same name, as a form posts a list."""
    return st.one_of(strategy, st.lists(strategy, max_size=4))


def form(**fields):
    """A post with any of these fields, each present or missing, plus stray ones."""
    return st.fixed_dictionaries(
        {}, optional={**fields, "stray": text, "csrfmiddlewaretoken": text}
    )


def one_text(names, **others):
    """A post that saves one text by name (``field``), as the autosave does, or anything."""

    def saving(name):
        return st.fixed_dictionaries(
            {"field": st.just(name), name: text}, optional={f"{name}-version": number, **others}
        )

    return st.sampled_from(names).flatmap(saving)


@dataclass
class Endpoint:
    persona: str | None  # who posts: a party of ``review``, HR, or anonymous
    review: str = "preparing"  # which review of the world the URL names
    fields: dict = field(default_factory=dict)  # name -> strategy, by the world
    data: st.SearchStrategy | None = None  # instead of fields: a post of its own shape
    texts: list = field(default_factory=list)  # texts saved by name, as {"field": name, name: …}
    kwargs: dict = field(default_factory=dict)  # URL kwarg -> the right object's id
    shows: str = ""  # the page that shows what was written, checked for escaping
    partial: bool = False  # may save some fields and refuse others
    max_examples: int | None = None  # fewer where each example renders a PDF
    query: bool = False  # a page that reads its query string: sent as GET too


def _world_strategies(w):
    """The strategies that need the world's ids: right ones, and other people's."""
    questions = [f"answer-{q}" for q in w["questions"]]
    foreign_questions = [f"answer-{q}" for q in w["foreign_questions"]]
    keys = [f"c{c}" for c in w["competences"]] + ["s1", "s2"]
    foreign_keys = [f"c{c}" for c in w["foreign_competences"]] + ["s0", "s3", "s99", "x1", ""]
    text_fields = questions + [f"note-{k}" for k in keys] + ["name-s1", "name-s2", "name-c1"]
    all_names = text_fields + foreign_questions + [f"note-{k}" for k in foreign_keys]
    levels = ["strong", "fine", "focus", ""]
    own_goal, foreign_goal = w["goals"]["talking"], w["goals"]["foreign"]
    goal_names = [f"goal-{own_goal}-{name}" for name in Goal.TEXTS]
    goal_names += [f"goal-{foreign_goal}-title", f"goal-{own_goal}-status", "goal--title"]
    goal = {
        "title": text,
        "actions": text,
        "responsible": text,
        "due": choice("2027-06-01", "2027-02-30", "0001-01-01", "9999-12-31", "1/2/27"),
    }
    return {
        "text_names": all_names,
        "prepare": {
            **dict.fromkeys(all_names, text),
            **{f"{name}-version": number for name in all_names},
            **{f"level-{key}": choice(*levels) for key in keys + foreign_keys},
        },
        "prepare_text": one_text(all_names, base_version=number, take_saved=text)
        | form(
            field=st.sampled_from(all_names) | text,
            **dict.fromkeys(all_names, text),
            **{f"{name}-version": number for name in all_names},
        ),
        "prepare_level": {
            "key": st.sampled_from(keys + foreign_keys) | text,
            "level": choice(*levels),
            **{f"level-{key}": choice(*levels) for key in keys},
        },
        "focus": {"focus": several(st.sampled_from(keys + foreign_keys) | text)},
        "goal": goal,
        "goal_edit": {**goal, "wording": number},  # as a page from before autosave posts it
        # Under the names the page gives them, with their versions: one (htmx) or all.
        "goal_names": goal_names,
        "goal_texts": st.one_of(
            form(**goal, wording=number),
            one_text(goal_names, base_version=number, take_saved=text),
            form(
                **dict.fromkeys(goal_names, text),
                **{f"{name}-version": number for name in goal_names},
            ),
        ),
        "talk_place": st.one_of(
            one_text(["place"], base_version=number, take_saved=text),
            form(field=choice("place"), place=text, **{"place-version": number}),
        ),
        "talk_text": one_text(["summary", "talk_notes"], version=number)
        | form(field=choice("state", "disagreement"), state=text, disagreement=text),
        "reflection": {
            **dict.fromkeys(Reflection.FIELDS, text),
            **{f"{name}-version": number for name in Reflection.FIELDS},
        },
        "round": {
            "name": text,
            "catalogue": several(choice(*map(str, w["catalogues"]))),
            "question_set": choice(*map(str, w["question_sets"])),
            "mode": choice("both", "employee", "none"),
            "preparation_deadline": choice("2027-02-01", "2027-13-01", "-1"),
            "talks_start": choice("2027-02-08", "2026-01-01"),
            "talks_end": choice("2027-03-31", "2027-02-01"),
            "departments": several(choice(*map(str, w["departments"]), "0", "-1")),
            "people": st.sampled_from(w["employee_numbers"]) | text,
        },
    }


def endpoints(w) -> dict[str, Endpoint]:
    """Every URL of the app, by name, with what a hostile post to it may hold."""
    s = _world_strategies(w)

    def review(name):
        return w["reviews"][name].public_id

    def goal(name):
        return w["goals"][name]

    def round_(name):
        return w["rounds"][name]

    talk = {"public_id": review("talking")}
    drill_down = {"department": st.sampled_from(w["departments"]) | number | text}
    year = {"year": Round.objects.get(pk=round_("open")).talks_start.year}
    return {
        "dashboard": Endpoint("employee"),
        "login": Endpoint(None, fields={"username": text, "password": text, "next": text}),
        "logout": Endpoint("employee"),
        "logout_everywhere": Endpoint("employee"),
        "privacy": Endpoint("employee"),
        "personal_data_export": Endpoint("employee", review="concluded", max_examples=3),
        "review_trail": Endpoint(
            "employee",
            review="concluded",
            kwargs={"public_id": review("concluded")},
            fields={"page": text, "others": text},
            query=True,
        ),
        "password_change": Endpoint(
            "employee",
            fields={"old_password": text, "new_password1": text, "new_password2": text},
        ),
        "password_change_done": Endpoint("employee"),
        "set_language": Endpoint(None, fields={"language": choice("da", "en"), "next": text}),
        "favicon": Endpoint(None),
        # Single sign-on and SCIM, as they answer with neither configured (404, 403, 401);
        # their refusals of bad tokens and bodies: tests/test_sso_*.py, tests/test_scim.py.
        "sso_refused": Endpoint(None),
        "oidc_login": Endpoint(None, fields={"next": text}),
        "oidc_authentication_callback": Endpoint(None, fields={"code": text, "state": text}),
        "saml2_login": Endpoint(None, fields={"next": text}),
        "saml2_acs": Endpoint(None, fields={"SAMLResponse": text, "RelayState": text}),
        "saml2_metadata": Endpoint(None),
        "saml2_logout": Endpoint(None, fields={"token": text}),
        "saml2_ls": Endpoint(
            None, fields={"SAMLRequest": text, "SAMLResponse": text, "SigAlg": text}
        ),
        "scim_users": Endpoint(None, fields={"userName": text}),
        "scim_user": Endpoint(None, kwargs={"pk": 1}, fields={"active": text}),
        "round_list": Endpoint("hr", shows="round_list"),
        "round_create": Endpoint("hr", fields=s["round"], shows="round_list"),
        "round_detail": Endpoint(
            "hr", kwargs={"pk": round_("open")}, fields={"employee": text}, query=True
        ),
        "round_open": Endpoint("hr", kwargs={"pk": round_("draft")}),
        "round_participants": Endpoint(
            "hr",
            kwargs={"pk": round_("open")},
            fields={"departments": s["round"]["departments"], "people": s["round"]["people"]},
        ),
        "round_close": Endpoint("hr", kwargs={"pk": round_("open")}),
        "round_export": Endpoint("hr", kwargs={"pk": round_("open")}),
        "round_jobs": Endpoint("hr", kwargs={"pk": round_("open")}),
        "round_export_download": Endpoint("hr", kwargs={"pk": round_("open"), "job": 1}),
        "round_open_confirm": Endpoint("hr", kwargs={"pk": round_("draft")}),
        "round_close_confirm": Endpoint("hr", kwargs={"pk": round_("open")}),
        "round_reminders": Endpoint(
            "hr",
            kwargs={"pk": round_("open")},
            fields={
                "reminder_days_before": choice("14,2", "7, 3 1", "0", "400", "-2"),
                "overdue_reminder_after": number,
                "overdue_reminder_every": number,
            },
        ),
        "review_move": Endpoint(
            "hr",
            kwargs={"pk": round_("open"), "public_id": review("preparing")},
            fields={"manager": st.sampled_from(w["employee_numbers"]) | text, "reason": text},
        ),
        "review_reopen": Endpoint(
            "hr",
            kwargs={"pk": round_("open"), "public_id": review("concluded")},
            fields={"reason": text},
        ),
        "review_detail": Endpoint("employee", kwargs={"public_id": review("preparing")}),
        "review_pdf": Endpoint(
            "employee",
            review="concluded",
            kwargs={"public_id": review("concluded")},
            max_examples=4,
        ),
        "prepare": Endpoint(
            "employee",
            kwargs={"public_id": review("preparing")},
            fields=s["prepare"],
            shows="prepare",
            partial=True,
        ),
        "prepare_text": Endpoint(
            "employee",
            kwargs={"public_id": review("preparing")},
            data=s["prepare_text"],
            texts=s["text_names"],
            shows="prepare",
        ),
        "prepare_level": Endpoint(
            "employee",
            kwargs={"public_id": review("preparing")},
            fields=s["prepare_level"],
            shows="prepare",
        ),
        "prepare_share": Endpoint("employee", kwargs={"public_id": review("preparing")}),
        "prepare_share_confirm": Endpoint("employee", kwargs={"public_id": review("preparing")}),
        "prepare_take_back": Endpoint("employee", kwargs={"public_id": review("preparing")}),
        "talk": Endpoint("employee", review="talking", kwargs=talk),
        "talk_time": Endpoint(
            "manager",
            kwargs={"public_id": review("preparing")},
            fields={
                "date": choice("2027-02-16", "2020-01-01", "2027-02-30", "16.02.2027"),
                "time": choice("10:00", "25:00", "9.30", "23:59:59"),
                "minutes": choice("30", "60", "90", "17"),
                "place": text,
            },
            shows="review_detail",
        ),
        "talk_place": Endpoint(
            "manager",
            kwargs={"public_id": review("preparing")},
            data=s["talk_place"],
            texts=["place"],
            shows="talk_time",
        ),
        "talk_time_cancel": Endpoint("manager", kwargs={"public_id": review("preparing")}),
        "talk_ics": Endpoint("employee", kwargs={"public_id": review("preparing")}),
        "talk_start": Endpoint("manager", kwargs={"public_id": review("preparing")}),
        "talk_focus": Endpoint(
            "employee", review="talking", kwargs=talk, fields=s["focus"], shows="talk"
        ),
        "talk_text": Endpoint(
            "manager",
            review="talking",
            kwargs=talk,
            data=s["talk_text"],
            texts=["summary", "talk_notes"],
            shows="talk",
        ),
        "talk_end": Endpoint("manager", review="talking", kwargs=talk),
        "talk_end_confirm": Endpoint("manager", review="talking", kwargs=talk),
        "talk_projector": Endpoint(
            "employee", review="talking", kwargs=talk, fields={"section": text}, query=True
        ),
        "talk_start_confirm": Endpoint("manager", kwargs={"public_id": review("preparing")}),
        "talk_confirm": Endpoint(
            "employee",
            review="held",
            kwargs={"public_id": review("held")},
            fields={"disagreement": text},
            shows="talk",
        ),
        "goal_add": Endpoint(
            "manager", review="talking", kwargs=talk, fields=s["goal"], shows="talk"
        ),
        "goal_edit": Endpoint(
            "employee",
            review="talking",
            kwargs={**talk, "goal_id": goal("talking")},
            fields=s["goal_edit"],
            data=s["goal_texts"],
            texts=s["goal_names"],
            shows="talk",
        ),
        "goal_accept": Endpoint(
            "employee",
            review="talking",
            kwargs={**talk, "goal_id": goal("talking")},
            fields={"wording": number},
        ),
        "goal_delete": Endpoint(
            "manager", review="talking", kwargs={**talk, "goal_id": goal("talking")}
        ),
        "goal_status": Endpoint(
            "employee",
            review="concluded",
            kwargs={"public_id": review("concluded"), "goal_id": goal("concluded")},
            fields={"status": choice("not_started", "under_way", "done")},
        ),
        "reflection": Endpoint(
            "employee", review="talking", kwargs=talk, fields=s["reflection"], shows="reflection"
        ),
        "reflection_share": Endpoint("employee", review="talking", kwargs=talk),
        # HR's insight: pages and files that read only ?department=.
        **{
            name: Endpoint("hr", kwargs={"pk": round_("open")}, fields=drill_down, query=True)
            for name in sweep.ROUND_REPORTS
        },
        "focus_latest": Endpoint("hr"),
        "med_latest": Endpoint("hr"),
        "med_report": Endpoint("hr", kwargs=year, fields=drill_down, query=True),
        "med_xlsx": Endpoint("hr", kwargs=year, fields=drill_down, query=True),
        "med_pdf": Endpoint("hr", kwargs=year, fields=drill_down, query=True, max_examples=3),
        "catalogue_guide_pdf": Endpoint(
            "employee",
            kwargs={"pk": w["catalogues"][0]},
            fields={"questions": number},
            max_examples=3,
            query=True,
        ),
    }


def or_someone_elses(w, key: str, right):
    """Mostly the right object's id in the URL; sometimes another person's, or none at all."""
    others = {
        "public_id": [w["reviews"]["foreign"].public_id],
        "goal_id": [w["goals"]["foreign"], 2**40, 10**30],
    }.get(key, [2**40, 10**30])
    return st.sampled_from([right] * 3 + others)


def url_names(resolver=None, namespace="", prefix="/"):
    """Every URL pattern of the app by name (or by path, if unnamed), but Django admin's."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # Django's own, tested with the admin (tests/test_admin.py)
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern, inner, prefix + str(pattern.pattern))
        else:
            yield namespace + pattern.name if pattern.name else prefix + str(pattern.pattern)


def url_of(name: str, kwargs: dict) -> str:
    return name if name.startswith("/") else reverse(name, kwargs=kwargs)


# The world every example starts from


@pytest.fixture
def world(kl_catalogue, kl_questions, office, manager, hr_user):
    from reviews.services import open_round

    people = {
        name: make_person(name, office, manager=manager)
        for name in ("anne", "bo", "carl", "dorte", "erik")
    }
    round_ = make_round(kl_catalogue, kl_questions)
    round_.departments.add(office)
    open_round(round_)
    draft = make_round(kl_catalogue, kl_questions, name="MUS 2028")
    draft.departments.add(office)
    reviews = {
        role: round_.reviews.get(employee=people[name])
        for role, name in [
            ("preparing", "anne"),
            ("talking", "bo"),
            ("held", "carl"),
            ("concluded", "dorte"),
            ("foreign", "erik"),
        ]
    }
    now = timezone.now()
    Review.objects.filter(pk=reviews["concluded"].pk).update(confirmed_at=now)
    for role, state in [
        ("talking", State.TALK_STARTED),
        ("held", State.TALK_HELD),
        ("concluded", State.CONCLUDED),
        ("foreign", State.TALK_STARTED),
    ]:
        Review.objects.filter(pk=reviews[role].pk).update(state=state, talk_manager=F("manager"))
        for party in ("employee", "manager"):
            PreparationFactory(review=reviews[role], party=party, shared_at=now)
    goals = {
        role: GoalFactory(
            review=reviews[role],
            title="Et mål",
            wording=1,
            accepted_by_manager=1,
            accepted_by_employee=1 if role == "concluded" else 0,
        ).pk
        for role in ("talking", "concluded", "foreign")
    }
    general = Competence.objects.exclude(catalogue=kl_catalogue)
    return {
        "people": people,
        "manager": manager,
        "hr": hr_user,
        "reviews": reviews,
        "rounds": {"open": round_.pk, "draft": draft.pk},
        "goals": goals,
        "questions": list(
            Question.objects.filter(theme__question_set=kl_questions).values_list("pk", flat=True)
        )[:3],
        "foreign_questions": list(
            Question.objects.exclude(theme__question_set=kl_questions).values_list("pk", flat=True)
        )[:2],
        "competences": list(kl_catalogue.competences.values_list("pk", flat=True))[:3],
        "foreign_competences": list(general.values_list("pk", flat=True))[:2],
        "catalogues": [kl_catalogue.pk],
        "question_sets": [kl_questions.pk],
        "departments": [office.pk],
        "employee_numbers": [p.employee_number for p in people.values()],
    }


def user_of(world, endpoint: Endpoint):
    if endpoint.persona is None:
        return None
    if endpoint.persona == "hr":
        return world["hr"]
    if endpoint.persona == "manager":
        return world["manager"].user
    return world["reviews"][endpoint.review].employee.user


# What must hold after every post

STORED = [Round, Review, ReviewEvent, Preparation, Answer, Mark, FocusArea, Goal, Reflection]
STORED += [Department, Person, Notice, RoundJob, JobPart]


def snapshot() -> dict:
    """Everything a write could change (sessions, last logins and the trail's record that
    a page was read, or that an attempt was refused, aside)."""
    state = {model.__name__: list(model.objects.order_by("pk").values()) for model in STORED}
    recorded = {ReviewEvent.Kind.READ, ReviewEvent.Kind.REFUSED}
    state["ReviewEvent"] = [e for e in state["ReviewEvent"] if e["kind"] not in recorded]
    # A page that shows the other's preparation records that it was seen: a read, too.
    for row in state["Preparation"]:
        del row["seen_at"], row["saw_other_at"]
    state["User"] = list(User.objects.order_by("pk").values("pk", "username", "password"))
    return state


def changed_rows(before: dict, after: dict):
    """The rows a post wrote, as model instances."""
    for model in STORED:
        old = before[model.__name__]
        changed = [row["id"] for row in after[model.__name__] if row not in old]
        yield from model.objects.filter(pk__in=changed)


def assert_valid(rows):
    for row in rows:
        row.full_clean()


def refused(response) -> bool:
    if response.status_code >= 400:
        return True
    if any(m.level >= constants.ERROR for m in get_messages(response.wsgi_request)):
        return True
    contexts = response.context if isinstance(response.context, list) else [response.context]
    values = [v for context in contexts if context for v in context.flatten().values()]
    return any(getattr(v, "is_bound", False) and v.errors for v in values)


def assert_escaped(response):
    if "html" not in response.get("Content-Type", ""):
        return
    page = response.content.decode()
    for markup in MARKUP:
        assert markup not in page, f"unescaped {markup!r} in {response.wsgi_request.path}"


def page_showing(world, endpoint: Endpoint) -> str:
    public_id = world["reviews"][endpoint.review].public_id
    if endpoint.shows == "round_list":
        return reverse("round_list")
    return reverse(endpoint.shows, args=[public_id])


# The tests


def test_every_url_is_covered(world):
    described = set(endpoints(world))
    missing = sorted(set(url_names()) - described)
    assert not missing, (
        f"URLs without a hostile-input description: {missing}. "
        "Add each to endpoints() in tests/test_hostile_input.py."
    )
    assert not described - set(url_names()), "endpoints() describes URLs that no longer exist"


@pytest.mark.parametrize("name", sorted(set(url_names())))
def test_hostile_posts_never_break_anything(world, name, client):
    endpoint = endpoints(world).get(name)
    if endpoint is None:
        pytest.fail(f"{name} is not described: see test_every_url_is_covered")
    user = user_of(world, endpoint)

    def send(kwargs, data, as_get):
        with transaction.atomic():
            client.cookies.pop("messages", None)  # an earlier example's, not this post's
            logged_in = "_auth_user_id" in client.session
            if user and not logged_in:
                client.force_login(user)
            before = snapshot()
            url = url_of(name, kwargs)
            response = client.get(url, data) if as_get else client.post(url, data)
            assert response.status_code < 500
            after = snapshot()
            if refused(response) and not endpoint.partial:
                assert after == before, f"a refused post to {name} changed data"
            assert_valid(changed_rows(before, after))
            assert_escaped(response)
            if endpoint.shows and after != before:
                shown = client.get(page_showing(world, endpoint))
                assert shown.status_code == 200
                assert_escaped(shown)
            transaction.set_rollback(True)

    kwargs = endpoint.kwargs
    # One field of each kind ("answer-12" stands for every answer) meets every nasty value.
    kinds = {re.sub(r"\d+", "#", field_name): field_name for field_name in endpoint.fields}
    posts = [{field_name: value} for field_name in kinds.values() for value in NASTY]
    posts += [
        {"field": text_name, text_name: value} for text_name in endpoint.texts for value in NASTY
    ]
    for data in posts:
        for as_get in (False, True) if endpoint.query else (False,):
            try:
                send(kwargs, data, as_get)
            except Exception as error:
                raise AssertionError(f"{'GET' if as_get else 'POST'} {data!r:.200}") from error

    @settings(max_examples=endpoint.max_examples or settings().max_examples)
    @given(
        kwargs=st.fixed_dictionaries(
            {key: or_someone_elses(world, key, right) for key, right in kwargs.items()}
        ),
        data=endpoint.data if endpoint.data is not None else form(**endpoint.fields),
        as_get=st.booleans() if endpoint.query else st.just(False),
    )
    def generated(kwargs, data, as_get):
        send(kwargs, data, as_get)

    generated()


# What was written, printed: the PDF shows the literal text and interprets no markup.

WRITTEN = [
    '<script>alert("mus-xss")</script>',
    "<b>ikke fed</b> & <i>ikke kursiv</i>",
    "Æble, øl og å — «citat» 'enkelt' \"dobbelt\"",
    "{{ review.summary }} {% csrf_token %}",
]


ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def pdf_text(content: bytes) -> str:
    """The PDF's text on one line, the file kept to look at (pdftoppm -png)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return Pdf(ARTIFACTS / "hostile-review.pdf", content).lines()


def test_hostile_text_prints_literally_in_the_pdf(client, world):
    review = world["reviews"]["concluded"]
    texts = dict(enumerate(WRITTEN))
    Review.objects.filter(pk=review.pk).update(
        summary=texts[0], talk_notes=texts[1], disagreement=texts[2]
    )
    Goal.objects.filter(review=review).update(title=texts[3], actions=texts[1])
    preparation = Preparation.objects.get(review=review, party="employee")
    MarkFactory(preparation=preparation, slot=1, name=texts[1][:40], level="strong")
    FocusAreaFactory(review=review, name=texts[0][:60])
    client.force_login(review.employee.user)
    response = client.get(reverse("review_pdf", args=[review.public_id]))
    assert response.status_code == 200
    printed = pdf_text(response.content)
    for written in [*WRITTEN, texts[1][:40], texts[0][:60]]:
        assert written in printed, f"{written!r} is not printed as written"


def test_hostile_text_shows_literally_in_the_pages(client, world):
    review = world["reviews"]["talking"]
    Review.objects.filter(pk=review.pk).update(summary=WRITTEN[0], talk_notes=WRITTEN[1])
    Goal.objects.filter(review=review).update(title=WRITTEN[0], actions=WRITTEN[1])
    preparation = Preparation.objects.get(review=review, party="employee")
    MarkFactory(preparation=preparation, slot=1, name=WRITTEN[0][:40], level="strong")
    client.force_login(review.employee.user)
    for url in (reverse("talk", args=[review.public_id]), reverse("dashboard")):
        response = client.get(url)
        assert_escaped(response)
    page = client.get(reverse("talk", args=[review.public_id])).content.decode()
    assert "&lt;script&gt;alert(&quot;mus-xss&quot;)&lt;/script&gt;" in page
