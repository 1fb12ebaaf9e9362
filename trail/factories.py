"""Trail entries for the tests: the application itself only adds them as people act.

A review is always given: the trail sits below the reviews app and knows none of its
factories.
"""

from factory.django import DjangoModelFactory

from trail.models import Action, ReviewEvent


class ReviewEventFactory(DjangoModelFactory[ReviewEvent]):
    """Someone opened the review."""

    class Meta:
        model = ReviewEvent

    actor = None
    kind = ReviewEvent.Kind.READ
    action = Action.OPENED_REVIEW
