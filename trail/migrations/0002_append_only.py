"""The trail is append-only in the database too, whatever code runs against it."""

from django.db import migrations


# The trail is append-only in the database too: no UPDATE ever, and a DELETE only while
# a TrailRemoval is active, which trail.recording.removal() makes inside its own
# transaction (retention, removing a person). Other connections never see it active.
POSTGRESQL = [
    """
    CREATE FUNCTION trail_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM trail_trailremoval WHERE active) THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'The trail of a review is append-only (% refused).', TG_OP
            USING ERRCODE = 'restrict_violation';
    END;
    $$
    """,
    """
    CREATE TRIGGER trail_reviewevent_append_only
    BEFORE UPDATE OR DELETE ON trail_reviewevent
    FOR EACH ROW EXECUTE FUNCTION trail_append_only()
    """,
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER trail_reviewevent_append_only ON trail_reviewevent",
    "DROP FUNCTION trail_append_only()",
]
SQLITE = [
    """
    CREATE TRIGGER trail_reviewevent_no_update BEFORE UPDATE ON trail_reviewevent
    BEGIN SELECT RAISE(ABORT, 'The trail of a review is append-only (UPDATE refused).'); END
    """,
    """
    CREATE TRIGGER trail_reviewevent_no_delete BEFORE DELETE ON trail_reviewevent
    WHEN NOT EXISTS (SELECT 1 FROM trail_trailremoval WHERE active)
    BEGIN SELECT RAISE(ABORT, 'The trail of a review is append-only (DELETE refused).'); END
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER trail_reviewevent_no_update",
    "DROP TRIGGER trail_reviewevent_no_delete",
]


def run(statements_by_vendor):
    def operation(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return operation


class Migration(migrations.Migration):
    dependencies = [("trail", "0001_initial")]

    operations = [
        migrations.RunPython(
            run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        )
    ]
