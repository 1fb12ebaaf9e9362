"""Writing one's preparation: answers, marks, notes, own competences, sharing.

Every function takes the ``ReviewAccess`` of the person writing, so nothing is written
that ``reviews.access`` would not allow. Each write spans the preparation, its parts
and the review's state, hence this module.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from common.posted import whole_number
from competencies import cache
from competencies.models import Competence, Question, Theme
from competencies.wheel import Level, Tooth, ToothMark
from reviews.access import ReviewAccess, preparations_of_record, preparing_parties
from reviews.models import Answer, LockedError, Mark, Preparation, Review, State
from reviews.refusals import refused
from trail import recording
from trail.models import Action


def _own_preparation(access: ReviewAccess) -> Preparation:
    """The writer's preparation, begun on their first write (which starts the review)."""
    access.lock()
    if not access.can_prepare:
        if access.own_preparation and access.own_preparation.is_shared:
            raise refused(
                access, _("You have shared your preparation, so it can no longer change.")
            )
        raise refused(access, _("This preparation can no longer change."))
    # lock() has just read the preparations: only the first write creates one. It is the
    # writer's own, whoever held their place before (reviews.models.Authored).
    preparation = access.own_preparation
    if preparation is None:
        author, party = access.person, access.party
        if author is None or party is None:  # can_prepare: one of the two, never
            raise refused(access, _("This preparation can no longer change."))
        preparation, _created = Preparation.objects.get_or_create(
            review=access.review, author=author, defaults={"party": party}
        )
        access.preparations[party] = preparation
    review = preparation.review = access.review  # loaded with its round: no query again
    if review.state == State.INVITED:
        review.move_to(State.PREPARING, **recording.by(access))
    return preparation


@dataclass
class WheelRow:
    """One tooth of the wheel as the page lists it: a competence or an own slot."""

    key: str
    name: str
    competence: Competence | None = None
    slot: int | None = None
    mark: Mark | None = None

    @property
    def level(self) -> str:
        return self.mark.level if self.mark else ""


@dataclass
class PreparationSheet:
    """A preparation laid out as the page, the PDF and the comparison show it."""

    preparation: Preparation | None
    themes: list[tuple[Theme, list[tuple[Question, Answer | None]]]] = field(default_factory=list)
    rows: list[WheelRow] = field(default_factory=list)

    @property
    def questions(self) -> int:
        return sum(len(questions) for _theme, questions in self.themes)

    @property
    def answered(self) -> int:
        return sum(1 for _t, qs in self.themes for _q, answer in qs if answer and answer.text)

    @property
    def competences(self) -> int:
        """The teeth one can mark: the catalogue's, and one's own that have a name."""
        return sum(1 for row in self.rows if row.name)

    @property
    def marked(self) -> int:
        return sum(1 for row in self.rows if row.name and row.level)

    @property
    def noted(self) -> int:
        return sum(1 for row in self.rows if row.mark and row.mark.note)

    @property
    def own_named(self) -> list[str]:
        return [row.name for row in self.rows if row.slot is not None and row.name]

    def teeth(self, symbol: str = "×", party: str = "") -> list[Tooth]:
        return [
            Tooth(
                key=row.key,
                # An unnamed slot's label is not drawn; its fields' titles name the slot.
                label=row.name or _("Your own competence %(number)s") % {"number": row.slot},
                marks=(ToothMark(row.level, symbol, party),) if row.level else (),
                empty=row.slot is not None and not row.name,
            )
            for row in self.rows
        ]


def sheet_for(
    review: Review,
    preparation: Preparation | None,
    whole: bool = True,
    marks: list[Mark] | None = None,
) -> PreparationSheet:
    """Questions, competences and one party's answers and marks, in a fixed number of queries.

    Not ``whole``: the wheel's rows alone, without the answers, for redrawing the wheel
    after a mark. ``marks``: the preparation's marks when the caller has just read them.
    """
    answers = {a.question_id: a for a in preparation.answers.all()} if preparation and whole else {}
    if marks is None:
        marks = list(preparation.marks.all()) if preparation else []
    by_competence = {m.competence_id: m for m in marks if m.competence_id}
    by_slot = {m.slot: m for m in marks if m.slot}
    # The round's catalogue is frozen: read once per process (competencies.cache).
    themes = cache.themes(review.round.question_set_id) if whole else []
    competences = cache.competences(review.round.catalogue_id)
    rows = [
        WheelRow(key=f"c{c.pk}", name=c.name, competence=c, mark=by_competence.get(c.pk))
        for c in competences
    ]
    rows += [
        WheelRow(
            key=f"s{slot}",
            name=by_slot[slot].name if slot in by_slot else "",
            slot=slot,
            mark=by_slot.get(slot),
        )
        for slot in range(1, review.round.catalogue.custom_slots + 1)
    ]
    return PreparationSheet(
        preparation=preparation,
        themes=[(t, [(q, answers.get(q.pk)) for q in t.questions.all()]) for t in themes],
        rows=rows,
    )


def question_of(review: Review, question_id: int) -> Question:
    question = Question.objects.filter(
        pk=question_id, theme__question_set_id=review.round.question_set_id
    ).first()
    if question is None:
        raise Http404
    return question


def _mark_of(preparation: Preparation, key: str, marks: list[Mark]) -> Mark:
    """The mark for a tooth: "c<competence id>" of the round's catalogue or "s<slot>".

    Found among the preparation's ``marks`` or, on the tooth's first write, created and
    added to them. The caller holds the review's lock (``access.lock()``): no other
    write can create it meanwhile.
    """
    review = preparation.review
    kind, number = key[:1], whole_number(key[1:])
    if number is None:
        raise Http404
    if kind == "c":
        if all(c.pk != number for c in cache.competences(review.round.catalogue_id)):
            raise Http404
        tooth = {"competence_id": number}
    elif kind == "s" and 1 <= number <= review.round.catalogue.custom_slots:
        tooth = {"slot": number}
    else:
        raise Http404
    mark = next((m for m in marks if m.key == key), None)
    if mark is None:
        mark = Mark.objects.create(preparation=preparation, **tooth)
        marks.append(mark)
    return mark


@transaction.atomic
def save_answer(access: ReviewAccess, question: Question, text: str, base_version: int) -> Answer:
    preparation = _own_preparation(access)
    answer = Answer.objects.get_or_create(preparation=preparation, question=question)[0]
    answer.save_text("text", text, base_version)
    recording.write(access, Action.SAVED_ANSWER)
    return answer


@transaction.atomic
def save_mark_text(
    access: ReviewAccess, key: str, field: str, text: str, base_version: int
) -> Mark:
    """A competence's note, or the name of one's own competence in a slot."""
    preparation = _own_preparation(access)
    mark = _mark_of(preparation, key, list(preparation.marks.all()))
    if field == "name" and mark.slot is None:
        raise Http404  # catalogue competences are named by the catalogue
    mark.save_text(field, text, base_version)
    recording.write(access, Action.NAMED_COMPETENCE if field == "name" else Action.SAVED_NOTE)
    return mark


@transaction.atomic
def save_level(access: ReviewAccess, key: str, level: str) -> PreparationSheet:
    """Mark a tooth; returns the wheel's rows after it, to redraw with no further read."""
    if level not in Level.values and level != "":
        raise LockedError(_("Choose one of the three levels."))
    preparation = _own_preparation(access)
    marks = list(preparation.marks.all())
    mark = _mark_of(preparation, key, marks)
    Mark.objects.filter(pk=mark.pk).update(level=level, updated_at=timezone.now())
    mark.level = level
    recording.write(access, Action.MARKED_COMPETENCE)
    return sheet_for(access.review, preparation, whole=False, marks=marks)


@transaction.atomic
def share(access: ReviewAccess) -> None:
    preparation = _own_preparation(access)
    Preparation.objects.filter(pk=preparation.pk).update(shared_at=timezone.now())
    preparation.refresh_from_db()
    recording.write(access, Action.SHARED_PREPARATION)
    shared = {party for party, p in preparations_of_record(access.review).items() if p.is_shared}
    if preparing_parties(access.review) <= shared:
        access.review.move_to(State.SHARED, **recording.by(access))


@transaction.atomic
def take_back(access: ReviewAccess) -> None:
    access.lock()
    own = access.own_preparation
    if own is None or not access.can_take_back:
        if own is None or not own.is_shared:
            raise refused(access, _("Your preparation is not shared."))
        raise refused(access, access.take_back_refusal())
    # Conditional, so that it loses a race with either party opening the other's
    # (``other_preparation_shown``).
    taken = Preparation.objects.filter(
        pk=own.pk, seen_at__isnull=True, saw_other_at__isnull=True
    ).update(shared_at=None)
    if not taken:
        own.refresh_from_db()
        raise refused(access, access.take_back_refusal())
    own.shared_at = None
    recording.write(access, Action.TOOK_BACK_PREPARATION)
    if access.review.state == State.SHARED:
        access.review.move_to(State.PREPARING, **recording.by(access))


def saved_text(access: ReviewAccess, name: str) -> str:
    """The stored text of one of the writer's own fields ("answer-12", "note-c3", "name-s1")."""
    kind, _sep, rest = name.partition("-")
    own = access.own_preparation
    if own is None:
        return ""
    if kind == "answer":
        question_id = whole_number(rest)
        answer = (
            own.answers.filter(question_id=question_id).first() if question_id is not None else None
        )
        return answer.text if answer else ""
    mark = next((m for m in own.marks.all() if m.key == rest), None)
    return getattr(mark, kind, "") if mark else ""


def other_preparation_shown(access: ReviewAccess) -> Preparation | None:
    """The other party's preparation, to be shown to this one now, or None if it may not be.

    Every channel that shows it (the page, the talk, the PDF, the data zip) asks here,
    because showing it makes both sharings final: the other's, as it has been seen, and
    the viewer's own, as they have seen the other's. The viewer's is marked on the
    condition that it is still shared, so that a take-back at the same moment either
    comes first (and nothing is shown) or is refused (``take_back``).
    """
    other = access.other_party
    if other is None or not access.can_see_preparation(other):
        return None
    theirs = access.preparations[other]
    now = timezone.now()
    own = access.own_preparation
    if own is not None and own.saw_other_at is None:
        sealed = not access.review.in_talk
        marked = Preparation.objects.filter(pk=own.pk, saw_other_at__isnull=True)
        if sealed and not marked.filter(shared_at__isnull=False).update(saw_other_at=now):
            return None  # taken back meanwhile: the seal holds again
        if not sealed:
            marked.update(saw_other_at=now)
        own.saw_other_at = now
    if theirs.seen_at is None:
        Preparation.objects.filter(pk=theirs.pk, seen_at__isnull=True).update(seen_at=now)
        theirs.seen_at = now
    return theirs
