"""import_people: HR's CSV export in, all or nothing, idempotent, a fixed number of queries."""

import csv
import io
import re

import pytest
from django.core.management import CommandError, call_command

from organisation.factories import DepartmentFactory, PersonFactory, UserFactory
from organisation.models import Department, Person, User

pytestmark = pytest.mark.django_db

HEADER = [
    "employee_number",
    "username",
    "first_name",
    "last_name",
    "email",
    "job_title",
    "department",
    "manager_employee_number",
]
ADMINISTRATION = "Borgerservice og Administration"
CENTRE = f"{ADMINISTRATION} / Center for Digitalisering"
OFFICE = f"{CENTRE} / Kontor for Selvbetjening"
DATA_OFFICE = f"{CENTRE} / Kontor for Data og Drift"
EXAMPLE = "tests/data/people_example.csv"  # the example of docs/import_people.md
DIRECTOR = "1000"  # in the database before the import: the fixture ``director``

# Anne's manager Mette comes after her in the file; Karen's manager is in the database.
GOOD = [
    ["2001", "anne", "Anne", "Andersen", "anne@kommune.dk", "Fuldmægtig", OFFICE, "2002"],
    ["2002", "mette", "Mette", "Madsen", "mette@kommune.dk", "Kontorchef", OFFICE, "2003"],
    ["2003", "karen", "Karen", "Kristensen", "karen@kommune.dk", "Centerchef", CENTRE, DIRECTOR],
    ["2004", "bo", "Bo", "Bækgaard", "", "", ADMINISTRATION, ""],
]


@pytest.fixture
def director(db):
    top = DepartmentFactory(name="Direktionen", kind="forvaltning")
    user = UserFactory(username="direktor", first_name="Dorthe", email="")
    return PersonFactory(user=user, employee_number=DIRECTOR, department=top)


def write_csv(tmp_path, rows, header=HEADER, delimiter=";", bom=True, newline="\r\n"):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerows([header, *rows])
    path = tmp_path / "people.csv"
    path.write_text(("\ufeff" if bom else "") + buffer.getvalue(), encoding="utf-8", newline="")
    return str(path)


def run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_people", path, *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def counts():
    return User.objects.count(), Person.objects.count(), Department.objects.count()


def snapshot():
    """Everything the import could change, to compare before and after."""
    return (
        list(User.objects.order_by("pk").values()),
        list(Person.objects.order_by("pk").values()),
        list(Department.objects.order_by("pk").values()),
    )


def person(number):
    return Person.objects.select_related("user", "department", "manager").get(
        employee_number=number
    )


def department(path):
    parent = None
    for name in path.split(" / "):
        parent = Department.objects.get(name=name, parent=parent)
    return parent


def with_row(row, **values):
    changed = list(row)
    for column, value in values.items():
        changed[HEADER.index(column)] = value
    return changed


def replaced(index, **values):
    rows = [list(row) for row in GOOD]
    rows[index] = with_row(rows[index], **values)
    return rows


def appended(*extra):
    return [list(row) for row in GOOD] + [list(row) for row in extra]


# A good file


def test_good_file_creates_departments_people_logins_and_managers(tmp_path, director):
    output = run(write_csv(tmp_path, GOOD))

    assert "people.csv imported: 4 created, 0 updated, 0 unchanged; 3 new departments." in output
    assert department(ADMINISTRATION).kind == "forvaltning"
    assert department(CENTRE).kind == "center"
    assert department(OFFICE).kind == "kontor"

    anne = person("2001")
    assert anne.user.username == "anne"
    assert anne.user.get_full_name() == "Anne Andersen"
    assert anne.user.email == "anne@kommune.dk"
    assert anne.job_title == "Fuldmægtig"
    assert anne.department == department(OFFICE)
    assert anne.manager.employee_number == "2002"  # listed after her in the file
    assert person("2002").manager.employee_number == "2003"
    assert person("2003").manager == director  # already in the database
    assert person("2004").manager is None
    assert person("2004").department == department(ADMINISTRATION)

    # They log in through the municipality's login or a password reset, never a password.
    new_users = User.objects.filter(username__in=["anne", "mette", "karen", "bo"])
    for user in new_users:
        assert not user.has_usable_password()
        assert user.is_active and not user.is_staff and not user.is_superuser
    assert len({user.password for user in new_users}) == 4  # each with its own random suffix


def test_importing_the_same_file_twice_changes_nothing(tmp_path, director):
    path = write_csv(tmp_path, GOOD)
    run(path)
    before = snapshot()

    output = run(path)

    assert "4 unchanged; 0 new departments." in output
    assert "0 created, 0 updated" in output
    assert snapshot() == before


def test_an_update_changes_department_manager_title_and_names(tmp_path, director):
    run(write_csv(tmp_path, GOOD))
    changed = replaced(
        0,
        username="anne.a",
        last_name="Ahl",
        job_title="Specialist",
        department=DATA_OFFICE,
        manager_employee_number="2003",
    )
    before = counts()

    output = run(write_csv(tmp_path, changed))

    assert "0 created, 1 updated, 3 unchanged; 1 new department." in output
    anne = person("2001")
    assert anne.department == department(DATA_OFFICE)
    assert anne.department.parent == department(CENTRE)  # the existing centre, not a new one
    assert anne.manager.employee_number == "2003"
    assert anne.job_title == "Specialist"
    assert (anne.user.username, anne.user.last_name) == ("anne.a", "Ahl")
    assert counts() == (before[0], before[1], before[2] + 1)


def test_removing_a_manager_and_the_job_title(tmp_path, director):
    run(write_csv(tmp_path, GOOD))
    changed = replaced(2, job_title="", manager_employee_number="")

    output = run(write_csv(tmp_path, changed))

    assert "1 updated" in output
    karen = person("2003")
    assert karen.manager is None
    assert karen.job_title == ""


def test_the_documented_example_imports(db):
    output = run(EXAMPLE)

    assert "people_example.csv imported: 5 created, 0 updated, 0 unchanged; 4 new" in output
    assert person("1004").manager.user.username == "mette"
    assert person("1000").manager.user.username == "direktoer"
    assert person("1001").job_title == "HR-konsulent; løn"
    assert person("0001").department.kind == "forvaltning"


def test_an_existing_person_keeps_their_login_and_password(office):
    user = UserFactory(username="anne", email="anne@old.dk", password="secret-enough-123")
    PersonFactory(user=user, employee_number="1004", department=office)

    output = run(EXAMPLE)

    assert "4 created, 1 updated, 0 unchanged" in output
    anne = person("1004")
    assert anne.user == user
    assert anne.user.email == "anne@kommune.dk"
    assert anne.user.check_password("secret-enough-123")
    assert anne.department.name == "Kontor for Selvbetjening"


def test_existing_departments_are_matched_by_name_and_parent(tmp_path, office):
    rows = [
        ["1", "anne", "", "", "", "", "Forvaltningen / Centret / Kontoret", ""],
        # The same office name under another centre is another office.
        ["2", "bo", "", "", "", "", "Forvaltningen / Andet center / Kontoret", ""],
    ]
    output = run(write_csv(tmp_path, rows))

    assert "2 new departments." in output  # "Andet center" and its "Kontoret"
    assert person("1").department == office
    assert person("2").department.parent.name == "Andet center"
    assert person("2").department != office


def test_a_slash_without_spaces_is_part_of_a_name(tmp_path):
    rows = [["1", "anne", "", "", "", "", "Økonomi / Løn/Personale", ""]]

    run(write_csv(tmp_path, rows))

    assert person("1").department.name == "Løn/Personale"
    assert person("1").department.parent.name == "Økonomi"


def test_columns_left_out_of_the_file_are_left_alone(tmp_path, director):
    run(write_csv(tmp_path, GOOD))
    header = ["department", "username", "employee_number"]  # any order
    rows = [[row[6], row[1], row[0]] for row in GOOD]

    output = run(write_csv(tmp_path, rows, header=header))

    assert "4 unchanged" in output
    anne = person("2001")
    assert (anne.user.first_name, anne.user.email, anne.job_title) == (
        "Anne",
        "anne@kommune.dk",
        "Fuldmægtig",
    )
    assert anne.manager.employee_number == "2002"


def test_a_login_without_a_person_is_taken_over(tmp_path, director):
    login = UserFactory(username="karen", first_name="", email="", password="secret-enough-123")

    output = run(write_csv(tmp_path, GOOD))

    assert "4 created" in output
    karen = person("2003")
    assert karen.user == login
    assert karen.user.first_name == "Karen"
    assert karen.user.check_password("secret-enough-123")  # their login is kept as it was


def test_an_employee_keeps_their_login_even_if_a_loose_login_has_the_new_name(tmp_path, director):
    UserFactory(username="dorthe", first_name="", email="")  # made in admin, say; no person
    rows = [["1000", "dorthe", "Dorthe", "", "", "", ADMINISTRATION, ""]]
    before = snapshot()

    with pytest.raises(CommandError) as error:
        run(write_csv(tmp_path, rows))

    assert (
        "line 2: username dorthe is already used by another login that is not linked to an employee"
    ) in str(error.value)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("delimiter", "bom", "newline"),
    [(";", True, "\r\n"), (";", False, "\n"), (",", True, "\n"), (",", False, "\r\n")],
)
def test_semicolon_and_comma_files_with_or_without_bom(tmp_path, director, delimiter, bom, newline):
    rows = replaced(0, job_title="Fuldmægtig; IT, data")  # quoted, as Excel writes it

    output = run(write_csv(tmp_path, rows, delimiter=delimiter, bom=bom, newline=newline))

    assert "4 created" in output
    assert person("2001").job_title == "Fuldmægtig; IT, data"
    assert person("2001").manager.employee_number == "2002"


def test_blank_rows_and_surrounding_spaces_are_ignored(tmp_path, director):
    rows = [[f" {value} " for value in row] for row in GOOD]
    rows.insert(2, [""] * len(HEADER))
    rows.append([""] * (len(HEADER) + 2))  # Excel's ";;;;" below the data

    output = run(write_csv(tmp_path, rows))

    assert "4 created" in output
    assert person("2001").user.username == "anne"
    assert person("2001").department == department(OFFICE)


def test_extra_columns_are_ignored_with_a_warning(tmp_path, director):
    header = [*HEADER, "cpr_hidden", "Email"]
    rows = [[*row, "x", "y"] for row in GOOD]

    output = run(write_csv(tmp_path, rows, header=header))

    assert "ignored the columns cpr_hidden, Email" in output
    assert "4 created" in output


def test_dry_run_reports_and_changes_nothing(tmp_path, director):
    before = snapshot()

    output = run(write_csv(tmp_path, GOOD), "--dry-run")

    assert "nothing changed (--dry-run)" in output
    assert "4 created, 0 updated, 0 unchanged; 3 new departments" in output
    assert snapshot() == before


# A bad file: refused as a whole, every faulty line named, nothing written.


NEW = ["2005", "carl", "Carl", "Christiansen", "carl@kommune.dk", "Konsulent", OFFICE, "2002"]

BAD_FILES = {
    "empty employee number": (replaced(3, employee_number=""), r"line 5: employee_number is empty"),
    "empty username": (replaced(3, username=" "), r"line 5: username is empty"),
    "empty department": (replaced(0, department=""), r"line 2: department is empty"),
    "duplicate employee number": (
        appended(with_row(NEW, employee_number="2002")),
        r"line 6: employee_number 2002 is also on line 3",
    ),
    "duplicate username": (
        appended(with_row(NEW, username="anne")),
        r"line 6: username anne is also on line 2",
    ),
    "username of another employee in the database": (
        replaced(3, username="direktor"),
        r"line 5: username direktor is already used by employee number 1000",
    ),
    "unknown manager": (
        replaced(2, manager_employee_number="999"),
        r"line 4: manager_employee_number 999 is unknown",
    ),
    "own manager": (
        replaced(3, manager_employee_number="2004"),
        r"line 5: manager_employee_number 2004 is the person's own employee number",
    ),
    "too deep department": (
        replaced(0, department=f"{OFFICE} / Team A"),
        r"line 2: department “.*Team A” has 4 levels; at most 3",
    ),
    "empty department level": (
        replaced(0, department=f"{ADMINISTRATION} /  / Kontor"),
        r"line 2: department “.*” has an empty level",
    ),
    "trailing separator": (
        replaced(0, department=f"{CENTRE} /"),
        r"line 2: department “.*” has an empty level",
    ),
    "invalid email": (
        replaced(2, email="karen@"),
        r"line 4: email “karen@” is not a valid e-mail address",
    ),
    "invalid username": (
        replaced(2, username="karen k"),
        r"line 4: username “karen k” may only contain letters, digits and @ \. \+ - _",
    ),
    "too long employee number": (
        replaced(3, employee_number="9" * 33),
        r"line 5: employee_number is 33 characters long; at most 32 are allowed",
    ),
    "too long first name": (
        replaced(1, first_name="M" * 151),
        r"line 3: first_name is 151 characters long; at most 150 are allowed",
    ),
    "too long job title": (
        replaced(1, job_title="x" * 201),
        r"line 3: job_title is 201 characters long; at most 200 are allowed",
    ),
    "too long department name": (
        replaced(1, department=f"{CENTRE} / {'K' * 201}"),
        r"line 3: department name “K+…” is 201 characters long; at most 200 are allowed",
    ),
    "missing value": (
        appended(NEW[:-1]),
        r"line 6: has 7 values but the header has 8 columns",
    ),
    "extra value": (
        appended([*NEW, "surplus"]),
        r"line 6: has 9 values but the header has 8 columns",
    ),
}


@pytest.mark.parametrize("reason", BAD_FILES)
def test_a_bad_line_refuses_the_whole_file(tmp_path, director, reason):
    rows, message = BAD_FILES[reason]
    before = snapshot()

    with pytest.raises(CommandError) as error:
        run(write_csv(tmp_path, rows))

    assert re.search(message, str(error.value)), str(error.value)
    assert str(error.value).startswith("people.csv was not imported; 1 line has an error:\n")
    assert snapshot() == before


def test_nothing_is_written_when_an_update_is_refused(tmp_path, director):
    run(write_csv(tmp_path, GOOD))
    before = (counts(), snapshot())
    rows = replaced(0, job_title="Ny titel", department=DATA_OFFICE)
    rows.append(with_row(NEW, manager_employee_number="999"))

    with pytest.raises(CommandError, match="line 6: manager_employee_number 999 is unknown"):
        run(write_csv(tmp_path, rows))

    assert (counts(), snapshot()) == before


def test_manager_cycles_name_every_line_involved(tmp_path, director):
    rows = replaced(2, manager_employee_number="2001")  # anne → mette → karen → anne
    rows += [
        with_row(NEW, employee_number="3001", username="x", manager_employee_number="3002"),
        with_row(NEW, employee_number="3002", username="y", manager_employee_number="3001"),
    ]
    before = snapshot()

    with pytest.raises(CommandError) as error:
        run(write_csv(tmp_path, rows))

    message = str(error.value)
    assert "5 lines have errors" in message
    long_cycle = "2001 (line 2) → 2002 (line 3) → 2003 (line 4) → 2001"
    short_cycle = "3001 (line 6) → 3002 (line 7) → 3001"
    for line in [2, 3, 4]:
        assert f"line {line}: managers form a cycle: {long_cycle}" in message
    for line in [6, 7]:
        assert f"line {line}: managers form a cycle: {short_cycle}" in message
    assert snapshot() == before


def test_a_cycle_through_someone_only_in_the_database(tmp_path, director):
    run(write_csv(tmp_path, GOOD))
    # Karen (2003) reports to the director; making the director report to Anne closes a
    # cycle through Mette and Karen, who are not in this second file.
    rows = [["1000", "direktor", "", "", "", "", ADMINISTRATION, "2001"]]

    with pytest.raises(CommandError) as error:
        run(write_csv(tmp_path, rows))

    assert (
        "line 2: managers form a cycle: 1000 (line 2) → 2001 (database) → 2002 (database) "
        "→ 2003 (database) → 1000"
    ) in str(error.value)


def test_several_errors_are_listed_together_in_line_order(tmp_path, director):
    rows = [list(row) for row in GOOD]
    rows[3] = with_row(rows[3], email="bo@", manager_employee_number="777")
    rows[0] = with_row(rows[0], department="")
    rows.append(with_row(NEW, employee_number="2001"))
    before = snapshot()

    with pytest.raises(CommandError) as error:
        run(write_csv(tmp_path, rows))

    assert str(error.value) == (
        "people.csv was not imported; 3 lines have errors:\n"
        "  line 2: department is empty\n"
        "  line 5: email “bo@” is not a valid e-mail address\n"
        "  line 5: manager_employee_number 777 is unknown (neither in the file nor in the "
        "database)\n"
        "  line 6: employee_number 2001 is also on line 2"
    )
    assert snapshot() == before


def test_line_numbers_are_spreadsheet_rows_even_after_a_line_break_in_a_cell(tmp_path, director):
    rows = replaced(0, job_title="Fuldmægtig\nmed to linjer")
    rows[1] = with_row(rows[1], email="not-an-address")

    with pytest.raises(CommandError, match="line 3: email"):
        run(write_csv(tmp_path, rows))


def test_a_missing_required_column_is_the_only_error(tmp_path, director):
    header = [name for name in HEADER if name != "department"]
    rows = [
        [value for name, value in zip(HEADER, row, strict=True) if name != "department"]
        for row in GOOD
    ]
    rows[0][0] = ""  # would be an error too, but the header comes first
    before = snapshot()

    with pytest.raises(CommandError) as error:
        run(write_csv(tmp_path, rows, header=header))

    assert str(error.value).startswith(
        "people.csv was not imported: the header (line 1) lacks the required column department."
    )
    assert "line 2" not in str(error.value)
    assert snapshot() == before


def test_a_file_that_is_not_utf8_is_refused_with_advice(tmp_path, director):
    path = tmp_path / "people.csv"
    path.write_bytes(";".join(HEADER).encode() + b"\r\n2001;bo;B\xf8rge;;;;X;\r\n")

    with pytest.raises(CommandError, match=r"not UTF-8 text \(line 2 .*CSV UTF-8"):
        run(str(path))
    assert not Person.objects.filter(employee_number="2001").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "it is empty"),
        (";".join(HEADER) + "\r\n", "it has a header but no people"),
        (";".join([*HEADER, "email"]) + "\r\n", "has the column email twice"),
    ],
)
def test_empty_and_malformed_headers_are_refused(tmp_path, director, content, message):
    path = tmp_path / "people.csv"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(CommandError, match=message):
        run(str(path))


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(CommandError, match=r"nowhere\.csv: no such file"):
        run(str(tmp_path / "nowhere.csv"))


# The number of queries does not grow with the file.


def organisation(size):
    """``size`` people in five offices; the first half managed by people listed after them."""
    offices = [f"Forvaltning / Center {n % 2} / Kontor {n}" for n in range(5)]
    rows = []
    for n in range(size):
        manager = str(5000 + (n + 1) // 2 + size // 2) if n < size // 2 else ""
        rows.append(
            [str(5000 + n), f"user{n}", f"First{n}", f"Last{n}", f"user{n}@kommune.dk",
             "Konsulent", offices[n % 5], manager]
        )  # fmt: skip
    return rows


@pytest.mark.parametrize("size", [20, 200])
def test_queries_do_not_grow_with_the_number_of_rows(tmp_path, django_assert_max_num_queries, size):
    # The same bound for both sizes: 3 reads, an insert per department level, users,
    # people, the managers' update, and the savepoint's two statements around it all.
    rows = organisation(size)
    with django_assert_max_num_queries(11):
        output = run(write_csv(tmp_path, rows))
    assert f"{size} created" in output
    assert Person.objects.filter(manager__isnull=False).count() == size // 2

    # An update of everyone: new name, title, office and manager.
    for row in rows:
        row[2], row[5], row[6] = "Ny", "Specialkonsulent", "Forvaltning / Center 9 / Kontor 9"
        row[7] = "" if row[7] else "5000"
    with django_assert_max_num_queries(11):
        output = run(write_csv(tmp_path, rows))
    assert f"{size} updated" in output
    assert set(Person.objects.values_list("job_title", "user__first_name")) == {
        ("Specialkonsulent", "Ny")
    }
    assert Person.objects.filter(manager__employee_number="5000").count() == size // 2
