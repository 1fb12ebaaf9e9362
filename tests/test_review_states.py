"""The review's cycle: allowed moves happen, any other is refused and changes nothing."""

import pytest

from reviews.models import TALK_STATES, TRANSITIONS, InvalidTransitionError, Review, State
from trail.models import ReviewEvent

pytestmark = pytest.mark.django_db


def test_the_whole_cycle(review, manager, employee):
    for state, actor in [
        (State.PREPARING, employee.user),
        (State.SHARED, employee.user),
        (State.TALK_STARTED, manager.user),
        (State.TALK_HELD, manager.user),
        (State.CONCLUDED, employee.user),
    ]:
        review.move_to(state, actor)
        assert Review.objects.get(pk=review.pk).state == state
    assert list(review.events.values_list("new", flat=True)) == [
        "preparing",
        "shared",
        "talk_started",
        "talk_held",
        "concluded",
    ]


# The cycle as PRODUCT.md tells it, written out by hand rather than read from TRANSITIONS,
# so that a change of the cycle is a change of this list too.
ALLOWED = {
    ("invited", "preparing"),  # the first thing written in a preparation
    ("invited", "talk_started"),  # the manager starts the talk (nobody fills in, or no one did)
    ("preparing", "shared"),  # both who prepare have shared
    ("preparing", "talk_started"),  # the talk begins: both preparations lie open
    ("shared", "preparing"),  # a sharing taken back while the other has not seen it
    ("shared", "talk_started"),
    ("talk_started", "talk_held"),  # the manager records that the talk was held
    ("talk_held", "talk_started"),  # back into the talk, before the employee confirms
    ("talk_held", "concluded"),  # the employee confirms that the talk took place
    ("concluded", "talk_held"),  # HR reopens it, with a reason, while the round is open
}


def test_the_allowed_moves_are_the_cycle_as_product_md_tells_it():
    assert {(start, target) for start, targets in TRANSITIONS.items() for target in targets} == (
        ALLOWED
    )


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (start, target)
        for start in State.values
        for target in State.values
        if (start, target) not in ALLOWED
    ],
)
def test_every_other_move_is_refused_with_a_message(review, start, target):
    led = review.manager if start in TALK_STATES else None
    Review.objects.filter(pk=review.pk).update(state=start, talk_manager=led)
    review.refresh_from_db()
    with pytest.raises(InvalidTransitionError) as error:
        review.move_to(target)
    assert error.value.code == "invalid_transition"
    assert str(State(start).label) in error.value.messages[0]
    assert Review.objects.get(pk=review.pk).state == start
    assert not ReviewEvent.objects.exists()


def test_a_move_based_on_an_old_state_is_refused(review):
    stale = Review.objects.get(pk=review.pk)
    review.move_to(State.PREPARING)
    review.move_to(State.SHARED)
    with pytest.raises(InvalidTransitionError) as error:
        stale.move_to(State.PREPARING)  # allowed from invited, but the review moved on
    assert error.value.code == "stale"
    assert Review.objects.get(pk=review.pk).state == State.SHARED
