"""The trail is append-only in the database too, whatever code runs against it."""

from django.db import migrations


# The trail is append-only in the database too: no UPDATE ever, and a DELETE only while
# a TrailRemoval is active, which reviews.trail.removal() makes inside its own
# transaction (retention, removing a person). Other connections never see it active.
POSTGRESQL = [
    """
    CREATE FUNCTION reviews_trail_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM reviews_trailremoval WHERE active) THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'The trail of a review is append-only (% refused).', TG_OP
            USING ERRCODE = 'restrict_violation';
    END;
    $$
    """,
    """
    CREATE TRIGGER reviews_reviewevent_append_only
    BEFORE UPDATE OR DELETE ON reviews_reviewevent
    FOR EACH ROW EXECUTE FUNCTION reviews_trail_append_only()
    """,
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER reviews_reviewevent_append_only ON reviews_reviewevent",
    "DROP FUNCTION reviews_trail_append_only()",
]
SQLITE = [
    """
    CREATE TRIGGER reviews_reviewevent_no_update BEFORE UPDATE ON reviews_reviewevent
    BEGIN SELECT RAISE(ABORT, 'The trail of a review is append-only (UPDATE refused).'); END
    """,
    """
    CREATE TRIGGER reviews_reviewevent_no_delete BEFORE DELETE ON reviews_reviewevent
    WHEN NOT EXISTS (SELECT 1 FROM reviews_trailremoval WHERE active)
    BEGIN SELECT RAISE(ABORT, 'The trail of a review is append-only (DELETE refused).'); END
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER reviews_reviewevent_no_update",
    "DROP TRIGGER reviews_reviewevent_no_delete",
]


def run(statements_by_vendor):
    def operation(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return operation


class Migration(migrations.Migration):
    dependencies = [("reviews", "0008_trail")]

    operations = [
        migrations.RunPython(
            run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        )
    ]
