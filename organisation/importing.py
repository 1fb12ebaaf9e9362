"""Importing the organisation from HR's CSV export: people, their logins, departments, managers.

The whole file is checked before anything is written, so a faulty file changes nothing and
HR gets every faulty line at once. A municipality has up to 50,000 people, so the database
is read in a few bulk queries up front and written in bulk; nothing is queried per row.
The import is keyed on the employee number, and importing the same file twice changes
nothing the second time. The format is described in docs/import_people.md.
"""

import csv
import io
import re
import secrets
from dataclasses import dataclass, field

from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, UNUSABLE_PASSWORD_SUFFIX_LENGTH
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction

from organisation.models import Department, Person, User

REQUIRED_COLUMNS = ("employee_number", "username", "department")
OPTIONAL_COLUMNS = ("first_name", "last_name", "email", "job_title", "manager_employee_number")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
USER_COLUMNS = ("username", "first_name", "last_name", "email")
MANAGER = "manager_employee_number"


def _max_length(model: type[models.Model], name: str) -> int:
    """The length a text field stores at most: each column imported has one."""
    length = getattr(model._meta.get_field(name), "max_length", None)
    if not isinstance(length, int):
        raise TypeError(f"{model.__name__}.{name} has no max_length")
    return length


MAX_LENGTH = {
    "employee_number": _max_length(Person, "employee_number"),
    "username": _max_length(User, "username"),
    "first_name": _max_length(User, "first_name"),
    "last_name": _max_length(User, "last_name"),
    "email": _max_length(User, "email"),
    "job_title": _max_length(Person, "job_title"),
    MANAGER: _max_length(Person, "employee_number"),
}
DEPARTMENT_NAME_MAX_LENGTH = _max_length(Department, "name")

# The depth in the tree decides what a department is: forvaltning / center / kontor.
KIND_BY_DEPTH = {
    1: Department.Kind.ADMINISTRATION,
    2: Department.Kind.CENTRE,
    3: Department.Kind.OFFICE,
}
# Levels are separated by " / ". A slash without spaces around it is part of a name
# ("Løn/Personale"), so only a slash with whitespace on both sides separates.
LEVEL_SEPARATOR = re.compile(r"(?<=\s)/(?=\s)")

# Rows per INSERT/UPDATE: small enough for any backend's parameter limit, large enough
# that the number of queries hardly grows with the file.
BATCH_SIZE = 1000

# A department as the levels of its path from the top: ("Forvaltning", "Center", "Kontor").
DepartmentPath = tuple[str, ...]


class RejectedFile(Exception):
    """The file cannot be imported: either one reason for the whole file, or faulty lines."""

    def __init__(self, reason: str = "", lines: list[tuple[int, str]] | None = None):
        super().__init__(reason or f"{len(lines or [])} errors")
        self.reason = reason
        self.lines = sorted(lines or [], key=lambda problem: problem[0])

    def describe(self, name: str) -> str:
        if not self.lines:
            return f"{name} was not imported: {self.reason}"
        count = len({line for line, _ in self.lines})
        heading = f"{count} line has an error" if count == 1 else f"{count} lines have errors"
        listing = "\n".join(f"  line {line}: {message}" for line, message in self.lines)
        return f"{name} was not imported; {heading}:\n{listing}"


@dataclass
class ImportRow:
    """One person as the file describes them, already stripped and normalised."""

    line: int
    employee_number: str = ""
    username: str = ""
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    job_title: str = ""
    department: DepartmentPath = ()
    manager_employee_number: str = ""


@dataclass
class ParsedFile:
    rows: list[ImportRow]
    columns: frozenset[str]  # the known columns the file has; absent ones are left alone
    ignored_columns: list[str]
    problems: list[tuple[int, str]]  # (line, reason) found in the file on its own


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    departments_created: int = 0
    ignored_columns: list[str] = field(default_factory=list)


def quoted(value: str) -> str:
    return f"“{value}”"


# Reading and checking the file on its own


def decode(data: bytes) -> str:
    try:
        # utf-8-sig drops the byte order mark Excel writes in front of "CSV UTF-8".
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise RejectedFile(
            f"it is not UTF-8 text (line {line} has a byte that is not valid UTF-8). "
            "In Excel, save it as “CSV UTF-8 (kommasepareret)”."
        ) from None


def detect_delimiter(header_line: str) -> str:
    """``;`` (Danish Excel) or ``,``: whichever splits the header into more known columns."""

    def known(delimiter: str) -> int:
        names = next(csv.reader([header_line], delimiter=delimiter), [])
        return sum(name.strip() in COLUMNS for name in names)

    return max([";", ","], key=lambda d: (known(d), header_line.count(d)))


def read_records(text: str) -> list[list[str]]:
    delimiter = detect_delimiter(text.splitlines()[0] if text else "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return list(reader)
    except csv.Error as error:
        raise RejectedFile(f"line {reader.line_num} cannot be read as CSV ({error}).") from None


def check_header(header: list[str]) -> tuple[list[str], list[str]]:
    """The stripped column names, and the ones the import does not use."""
    names = [name.strip() for name in header]
    if not any(names):
        raise RejectedFile("line 1 must be a header row naming the columns; it is empty.")
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        raise RejectedFile(
            f"the header (line 1) lacks the required column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)}. It has: {', '.join(name for name in names if name)}. "
            "Column names must be spelt exactly as in docs/import_people.md."
        )
    repeated = sorted({name for name in names if name and names.count(name) > 1})
    if repeated:
        raise RejectedFile(f"the header (line 1) has the column {', '.join(repeated)} twice.")
    return names, [name for name in names if name and name not in COLUMNS]


def department_path(value: str, row_problems: list[str]) -> DepartmentPath:
    levels = tuple(level.strip() for level in LEVEL_SEPARATOR.split(f" {value} "))
    problems: list[str] = []
    if "" in levels:
        problems.append(f"department {quoted(value)} has an empty level")
    elif len(levels) > len(KIND_BY_DEPTH):
        problems.append(
            f"department {quoted(value)} has {len(levels)} levels; at most 3 are allowed "
            "(forvaltning / center / kontor)"
        )
    for level in levels:
        if len(level) > DEPARTMENT_NAME_MAX_LENGTH:
            problems.append(
                f"department name {quoted(level[:40] + '…')} is {len(level)} characters long; "
                f"at most {DEPARTMENT_NAME_MAX_LENGTH} are allowed"
            )
    row_problems += problems
    return () if problems else levels


def check_value(column: str, value: str, problems: list[str]) -> str | DepartmentPath:
    """The value as it will be stored, noting in ``problems`` what is wrong with it."""
    if not value:
        if column in REQUIRED_COLUMNS:
            problems.append(f"{column} is empty")
        return () if column == "department" else value
    if column == "department":
        return department_path(value, problems)
    if column == "username":
        # As User.objects.create_user() would store it, so the next import compares equal.
        value = User.normalize_username(value)
    if column == "email":
        value = BaseUserManager.normalize_email(value)
    if len(value) > MAX_LENGTH[column]:
        problems.append(
            f"{column} is {len(value)} characters long; at most {MAX_LENGTH[column]} are allowed"
        )
        return value
    try:
        if column == "username":
            User.username_validator(value)
        elif column == "email":
            validate_email(value)
    except ValidationError:
        problems.append(
            f"username {quoted(value)} may only contain letters, digits and @ . + - _"
            if column == "username"
            else f"email {quoted(value)} is not a valid e-mail address"
        )
    return value


def parse_record(line: int, names: list[str], record: list[str]) -> tuple[ImportRow, list[str]]:
    problems: list[str] = []
    # Trailing empty cells beyond the header are harmless; anything else means shifted values.
    if len(record) < len(names) or any(value.strip() for value in record[len(names) :]):
        problems.append(
            f"has {len(record)} values but the header has {len(names)} columns "
            "(a missing or extra separator?)"
        )
        return ImportRow(line), problems
    row = ImportRow(line)
    for name, raw in zip(names, record, strict=False):
        if name in COLUMNS:
            setattr(row, name, check_value(name, raw.strip(), problems))
    return row, problems


def parse(data: bytes) -> ParsedFile:
    records = read_records(decode(data))
    if not records:
        raise RejectedFile("it is empty; line 1 must be a header row naming the columns.")
    names, ignored = check_header(records[0])
    rows, problems = [], []
    # Line numbers count records as a spreadsheet numbers rows: the header is line 1.
    for line, record in enumerate(records[1:], start=2):
        if not any(value.strip() for value in record):
            continue  # blank rows, e.g. the ";;;;" Excel leaves below the data
        row, row_problems = parse_record(line, names, record)
        rows.append(row)
        problems += [(line, problem) for problem in row_problems]
    if not rows:
        raise RejectedFile("it has a header but no people.")
    problems += duplicates(rows, "employee_number") + duplicates(rows, "username")
    problems += own_managers(rows)
    present = frozenset(name for name in names if name in COLUMNS)
    return ParsedFile(rows, present, ignored, problems)


def duplicates(rows: list[ImportRow], column: str) -> list[tuple[int, str]]:
    first_line: dict[str, int] = {}
    problems = []
    for row in rows:
        value = getattr(row, column)
        if not value:
            continue
        first = first_line.setdefault(value, row.line)
        if first != row.line:
            problems.append((row.line, f"{column} {value} is also on line {first}"))
    return problems


def own_managers(rows: list[ImportRow]) -> list[tuple[int, str]]:
    return [
        (row.line, f"{MANAGER} {row.employee_number} is the person's own employee number")
        for row in rows
        if row.employee_number and row.manager_employee_number == row.employee_number
    ]


# Checking the file against the database


@dataclass
class Existing:
    """Everything the import needs from the database, read in a handful of queries."""

    person_by_number: dict[str, Person]
    user_by_id: dict[int, User]
    user_by_username: dict[str, User]
    number_by_user_id: dict[int, str]
    manager_number_of: dict[str, str]
    department_by_key: dict[tuple[int | None, str], Department]

    @classmethod
    def load(cls) -> "Existing":
        users = list(User.objects.order_by())
        # order_by(): Person's default ordering would join and sort users for nothing.
        people = list(Person.objects.order_by())
        number_by_person_id = {p.pk: p.employee_number for p in people}
        departments: dict[tuple[int | None, str], Department] = {}
        for department in Department.objects.order_by("pk"):
            # Top-level names are not unique in the database (NULL parent); take the oldest.
            departments.setdefault((department.parent_id, department.name), department)
        return cls(
            person_by_number={p.employee_number: p for p in people},
            user_by_id={u.pk: u for u in users},
            user_by_username={u.username: u for u in users},
            number_by_user_id={p.user_id: p.employee_number for p in people},
            manager_number_of={
                p.employee_number: number_by_person_id[p.manager_id] for p in people if p.manager_id
            },
            department_by_key=departments,
        )


def username_problems(rows: list[ImportRow], existing: Existing) -> list[tuple[int, str]]:
    problems = []
    for row in rows:
        holder = existing.user_by_username.get(row.username)
        if holder is None or not row.employee_number:
            continue
        holder_number = existing.number_by_user_id.get(holder.pk)
        if holder_number is not None and holder_number != row.employee_number:
            problems.append(
                (
                    row.line,
                    f"username {row.username} is already used by employee number {holder_number}",
                )
            )
        elif holder_number is None and row.employee_number in existing.person_by_number:
            # A login without a person is taken over by a new person only; an existing
            # person keeps their own login.
            problems.append(
                (
                    row.line,
                    f"username {row.username} is already used by another login "
                    "that is not linked to an employee",
                )
            )
    return problems


def unknown_managers(rows: list[ImportRow], existing: Existing) -> list[tuple[int, str]]:
    in_file = {row.employee_number for row in rows}
    return [
        (
            row.line,
            f"{MANAGER} {row.manager_employee_number} is unknown "
            "(neither in the file nor in the database)",
        )
        for row in rows
        if row.manager_employee_number
        and row.manager_employee_number not in in_file
        and row.manager_employee_number not in existing.person_by_number
    ]


def manager_cycles(manager_of: dict[str, str], starts: list[str]) -> list[list[str]]:
    """The cycles reachable from ``starts`` in the who-manages-whom graph.

    Everyone has at most one manager, so walking up from each person either ends at the
    top or runs into a cycle; each person is walked over once in all.
    """
    done: set[str] = set()
    cycles = []
    for start in starts:
        position: dict[str, int] = {}
        walk: list[str] = []
        number: str | None = start
        while number is not None and number not in done and number not in position:
            position[number] = len(walk)
            walk.append(number)
            number = manager_of.get(number)
        if number is not None and number in position:
            cycles.append(walk[position[number] :])
        done.update(walk)
    return cycles


def cycle_problems(rows: list[ImportRow], existing: Existing) -> list[tuple[int, str]]:
    # The first row of each number counts; a repeated number is reported on its own.
    first_rows: dict[str, ImportRow] = {}
    for row in rows:
        if row.employee_number:
            first_rows.setdefault(row.employee_number, row)
    # The hierarchy after the import: the file's managers, the database's for the rest.
    manager_of = dict(existing.manager_number_of)
    for number, row in first_rows.items():
        manager_of.pop(number, None)
        # Being one's own manager is reported on its own, not as a cycle of one.
        if row.manager_employee_number not in ("", number):
            manager_of[number] = row.manager_employee_number
    line_of = {number: row.line for number, row in first_rows.items()}
    problems = []
    for cycle in manager_cycles(manager_of, list(first_rows)):
        steps = [
            f"{number} (line {line_of[number]})" if number in line_of else f"{number} (database)"
            for number in cycle
        ]
        chain = " → ".join([*steps, cycle[0]])
        problems += [
            (line_of[number], f"managers form a cycle: {chain}")
            for number in cycle
            if number in line_of
        ]
    return problems


def database_problems(parsed: ParsedFile, existing: Existing) -> list[tuple[int, str]]:
    problems = username_problems(parsed.rows, existing)
    if MANAGER in parsed.columns:
        problems += unknown_managers(parsed.rows, existing)
        problems += cycle_problems(parsed.rows, existing)
    return problems


# Writing


def assign(obj: models.Model, values: dict[str, object]) -> bool:
    """Set the values that differ; whether any did."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def ensure_departments(
    paths: set[DepartmentPath], existing: Existing
) -> tuple[dict[DepartmentPath, Department], int]:
    """Each path's department, found by name and parent or created, level by level."""
    by_path: dict[DepartmentPath, Department] = {}
    created = 0
    for depth, kind in KIND_BY_DEPTH.items():
        new = []
        for path in sorted({path[:depth] for path in paths if len(path) >= depth}):
            parent = by_path.get(path[:-1])
            department = existing.department_by_key.get((parent.pk if parent else None, path[-1]))
            if department is None:
                department = Department(name=path[-1], kind=kind, parent=parent)
                new.append(department)
            by_path[path] = department
        # Created level by level so that the next level's parents have their keys.
        Department.objects.bulk_create(new, batch_size=BATCH_SIZE)
        created += len(new)
    return by_path, created


@dataclass
class Changes:
    """What the import will write, worked out in memory before anything is written."""

    new_users: list[User] = field(default_factory=list)
    changed_users: list[User] = field(default_factory=list)
    new_people: list[Person] = field(default_factory=list)
    # Existing people with changes, and new people once their manager is set; by number.
    changed_people: dict[str, Person] = field(default_factory=dict)
    updated: set[str] = field(default_factory=set)  # existing people with any change


def unusable_password() -> str:
    # What set_unusable_password() stores ("!" and a random suffix), in one urandom call:
    # 40 secrets.choice() calls each cost five seconds for 50,000 new people.
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_hex(UNUSABLE_PASSWORD_SUFFIX_LENGTH // 2)


def add_person(
    row: ImportRow, user_values: dict, department: Department, existing: Existing, changes: Changes
) -> Person:
    # A login without a person (made in admin, say) is taken over; otherwise a new login.
    user = existing.user_by_username.get(row.username)
    if user is None:
        # They log in through the municipality's login or a password reset, never a password
        # from the import.
        user = User(**user_values, password=unusable_password())
        changes.new_users.append(user)
    elif assign(user, user_values):
        changes.changed_users.append(user)
    person = Person(
        user=user,
        employee_number=row.employee_number,
        job_title=row.job_title,
        department=department,
    )
    changes.new_people.append(person)
    return person


def update_person(
    person: Person, person_values: dict, user_values: dict, existing: Existing, changes: Changes
) -> None:
    user = existing.user_by_id[person.user_id]
    if assign(user, user_values):
        changes.changed_users.append(user)
        changes.updated.add(person.employee_number)
    if assign(person, person_values):
        changes.changed_people[person.employee_number] = person
        changes.updated.add(person.employee_number)


def set_managers(
    rows: list[ImportRow], person_by_number: dict[str, Person], existing: Existing, changes: Changes
) -> None:
    """The second pass: everyone in the file has a key now, so managers can be pointed at."""
    for row in rows:
        person = person_by_number[row.employee_number]
        manager = person_by_number.get(row.manager_employee_number)
        if assign(person, {"manager_id": manager.pk if manager else None}):
            changes.changed_people[row.employee_number] = person
            if row.employee_number in existing.person_by_number:
                changes.updated.add(row.employee_number)


def save_changed[M: models.Model](model: type[M], objs: list[M], fields: list[str]) -> None:
    """Write changed objects back by primary key, one statement per batch.

    An upsert on the primary key is an UPDATE by key that Django sends as one INSERT … ON
    CONFLICT per batch. bulk_update() builds a CASE expression per object in Python, which
    took most of a minute for 50,000 people.
    """
    model._default_manager.bulk_create(
        objs,
        batch_size=BATCH_SIZE,
        update_conflicts=True,
        unique_fields=["pk"],
        update_fields=fields,
    )


def write(parsed: ParsedFile, existing: Existing) -> Outcome:
    departments, departments_created = ensure_departments(
        {row.department for row in parsed.rows}, existing
    )
    user_columns = [name for name in USER_COLUMNS if name in parsed.columns]
    has_job_title = "job_title" in parsed.columns
    changes = Changes()
    person_by_number = dict(existing.person_by_number)
    for row in parsed.rows:
        user_values = {name: getattr(row, name) for name in user_columns}
        department = departments[row.department]
        person = existing.person_by_number.get(row.employee_number)
        if person is None:
            person = add_person(row, user_values, department, existing, changes)
            person_by_number[row.employee_number] = person
        else:
            # Compared on department_id: touching person.department would query per row.
            person_values: dict[str, object] = {"department_id": department.pk}
            if has_job_title:
                person_values["job_title"] = row.job_title
            update_person(person, person_values, user_values, existing, changes)

    save_changed(User, changes.changed_users, user_columns)
    User.objects.bulk_create(changes.new_users, batch_size=BATCH_SIZE)
    Person.objects.bulk_create(changes.new_people, batch_size=BATCH_SIZE)
    person_columns = ["department", "job_title"]
    if MANAGER in parsed.columns:
        set_managers(parsed.rows, person_by_number, existing, changes)
        person_columns.append("manager")
    save_changed(Person, list(changes.changed_people.values()), person_columns)

    return Outcome(
        created=len(changes.new_people),
        updated=len(changes.updated),
        unchanged=len(parsed.rows) - len(changes.new_people) - len(changes.updated),
        departments_created=departments_created,
        ignored_columns=parsed.ignored_columns,
    )


def import_people(data: bytes, *, dry_run: bool = False) -> Outcome:
    """Import the CSV file's contents, all or nothing; raises ``RejectedFile`` with the reasons."""
    parsed = parse(data)
    with transaction.atomic():
        # Read inside the transaction so the checks and the writes see the same database.
        existing = Existing.load()
        problems = parsed.problems + database_problems(parsed, existing)
        if problems:
            raise RejectedFile(lines=problems)
        outcome = write(parsed, existing)
        if dry_run:
            transaction.set_rollback(True)
    return outcome
