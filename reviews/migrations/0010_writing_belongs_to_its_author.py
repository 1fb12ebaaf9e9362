"""Writing belongs to its author: preparations and reflections name the person who wrote
them, and a review names the manager who led its talk.

Until now a preparation or a reflection belonged to a party's place, and a manager who
took a review over found the predecessor's writing as their own. Who wrote what is
read back here: from the party's holder for reviews that never changed manager, and from
the trail for those that did (the first manager who wrote in it; where the trail says
nothing, the manager the review had first). Text that two managers wrote in turn goes
to the first of them: the later one loses a text, rather than one person being handed
another's.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

TALK_STATES = ["talk_started", "talk_held", "concluded"]
PREPARATION_WRITES = [
    "saved_answer",
    "saved_note",
    "named_competence",
    "marked_competence",
    "shared_preparation",
]
REFLECTION_WRITES = ["saved_reflections", "shared_reflections"]


def read_authors(apps, schema_editor):
    Review = apps.get_model("reviews", "Review")
    ReviewEvent = apps.get_model("reviews", "ReviewEvent")
    Person = apps.get_model("mus", "Person")

    def holder(field):
        return Subquery(Review.objects.filter(pk=OuterRef("review_id")).values(field)[:1])

    for name in ("Preparation", "Reflection"):
        model = apps.get_model("reviews", name)
        model.objects.filter(party="employee").update(author=holder("employee_id"))
        model.objects.filter(party="manager").update(author=holder("manager_id"))
    Review.objects.filter(state__in=TALK_STATES).update(talk_manager=models.F("manager"))

    person_of_user = dict(Person.objects.values_list("user_id", "pk"))
    moved = ReviewEvent.objects.filter(kind="manager").values_list("review_id", flat=True)
    for review in Review.objects.filter(pk__in=set(moved)):
        events = list(ReviewEvent.objects.filter(review_id=review.pk).order_by("at", "pk"))
        first_manager = next(e.old_manager_id for e in events if e.kind == "manager")

        def first_writer(actions, events=events, fallback=first_manager):
            for event in events:
                if event.kind == "write" and event.role == "manager" and event.action in actions:
                    return person_of_user.get(event.actor_id) or fallback
            return fallback

        for name, actions in (("Preparation", PREPARATION_WRITES), ("Reflection", REFLECTION_WRITES)):
            model = apps.get_model("reviews", name)
            model.objects.filter(review_id=review.pk, party="manager").update(
                author=first_writer(actions)
            )
        if review.state in TALK_STATES:
            started = [e for e in events if e.kind == "state" and e.new == "talk_started"]
            led = started and person_of_user.get(started[-1].actor_id)
            Review.objects.filter(pk=review.pk).update(talk_manager=led or review.manager_id)


class Migration(migrations.Migration):
    dependencies = [
        ("mus", "0004_user_sessions_and_removal"),
        ("reviews", "0009_trail_append_only"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="preparation", name="one_preparation_per_party"),
        migrations.RemoveConstraint(model_name="reflection", name="one_reflection_per_party"),
        migrations.AddField(
            model_name="preparation",
            name="author",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="mus.person",
                verbose_name="written by",
            ),
        ),
        migrations.AddField(
            model_name="preparation",
            name="saw_other_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="reflection",
            name="author",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="mus.person",
                verbose_name="written by",
            ),
        ),
        migrations.AddField(
            model_name="review",
            name="talk_manager",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="mus.person",
                verbose_name="manager in the talk",
            ),
        ),
        migrations.RunPython(read_authors, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="preparation",
            name="author",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="mus.person",
                verbose_name="written by",
            ),
        ),
        migrations.AlterField(
            model_name="reflection",
            name="author",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="mus.person",
                verbose_name="written by",
            ),
        ),
        migrations.AlterField(
            model_name="reviewevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("state", "Status changed"),
                    ("manager", "Manager changed"),
                    ("read", "Read"),
                    ("write", "Written"),
                    ("refused", "Refused"),
                ],
                max_length=10,
            ),
        ),
        migrations.AlterField(
            model_name="reviewevent",
            name="role",
            field=models.CharField(
                blank=True,
                choices=[
                    ("employee", "employee"),
                    ("manager", "manager"),
                    ("hr", "HR"),
                    ("admin", "administrator"),
                    ("outsider", "no part in this MUS"),
                ],
                max_length=10,
            ),
        ),
        migrations.AddConstraint(
            model_name="preparation",
            constraint=models.UniqueConstraint(
                fields=("review", "author"), name="one_preparation_per_author"
            ),
        ),
        migrations.AddConstraint(
            model_name="reflection",
            constraint=models.UniqueConstraint(
                fields=("review", "author"), name="one_reflection_per_author"
            ),
        ),
        migrations.AddConstraint(
            model_name="review",
            constraint=models.CheckConstraint(
                condition=~models.Q(state__in=["concluded", "talk_held", "talk_started"])
                | models.Q(talk_manager__isnull=False),
                name="a_talk_has_its_manager",
            ),
        ),
    ]
