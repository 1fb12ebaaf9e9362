"""The record of account actions is append-only in the database too."""

from django.db import migrations

# The record is append-only in the database too: no UPDATE, whatever code runs against
# it. (Deletes are refused by the model and its queryset, and the admin offers none; the
# database leaves them to whoever empties it whole, as a test's teardown does.)
POSTGRESQL = [
    """
    CREATE FUNCTION organisation_accountevent_no_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'The record of account actions is append-only (UPDATE refused).'
            USING ERRCODE = 'restrict_violation';
    END;
    $$
    """,
    """
    CREATE TRIGGER organisation_accountevent_no_update BEFORE UPDATE ON organisation_accountevent
    FOR EACH ROW EXECUTE FUNCTION organisation_accountevent_no_update()
    """,
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER organisation_accountevent_no_update ON organisation_accountevent",
    "DROP FUNCTION organisation_accountevent_no_update()",
]
SQLITE = [
    """
    CREATE TRIGGER organisation_accountevent_no_update BEFORE UPDATE ON organisation_accountevent
    BEGIN SELECT RAISE(ABORT, 'The record of account actions is append-only (UPDATE refused).');
    END
    """,
]
SQLITE_REVERSE = ["DROP TRIGGER organisation_accountevent_no_update"]


def run(statements_by_vendor):
    def operation(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return operation


class Migration(migrations.Migration):
    dependencies = [("organisation", "0001_initial")]

    operations = [
        migrations.RunPython(
            run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        )
    ]
