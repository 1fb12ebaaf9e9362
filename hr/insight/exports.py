"""HR's reports as files: CSV that Danish Excel opens as it is, and xlsx.

Both are written from ``ExportSheet``s, and the sheets are built from the very report objects
that the pages and the PDF show (hr/insight/reports.py), so every figure and every hidden
"fewer than 5" is the same wherever one reads it.
"""

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from competencies.views import DANISH_LETTERS
from hr.insight.reports import HIDDEN, Column, Hidden, MedReport, Progress, ReportRow, TreeReport
from reviews.models import State

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PATH_SEPARATOR = " › "

# A spreadsheet runs a cell that begins with one of these as a formula (OWASP's "CSV
# injection"); a department or person named so is written as text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class ExportSheet:
    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    indents: list[int] = field(default_factory=list)  # per row: its depth in the tree


# Building sheets from reports


def _tree_columns() -> list[Column]:
    return [
        Column("department", _("Department"), "text"),
        Column("kind", _("Kind"), "text"),
        Column("part_of", _("Part of"), "text"),
    ]


def _tree_row(row: ReportRow) -> list[Any]:
    unit = row.unit
    if unit is None:  # the "all" row
        return [row.label, "", "", *row.cells]
    path = [ancestor.department.name for ancestor in unit.ancestors()]
    if row.kind == "own":
        path.append(unit.department.name)
    kind = unit.department.get_kind_display() if row.kind == "unit" else ""
    return [row.label, kind, PATH_SEPARATOR.join(path), *row.cells]


def tree_sheet(title: str, report: TreeReport) -> ExportSheet:
    """The report's rows from the unit drilled down to, the whole organisation last."""
    rows = report.rows if report.root else [*report.rows, report.totals]
    return ExportSheet(
        title=title,
        columns=_tree_columns() + report.columns,
        rows=[_tree_row(row) for row in rows],
        indents=[row.depth for row in rows],
    )


def _name(first: str, last: str, username: str) -> str:
    return f"{first} {last}".strip() or username  # as Person.name has it


def overdue_sheet(report: Progress) -> ExportSheet:
    """Everyone overdue in the part of the organisation the report shows, by department."""
    states = dict(State.choices)
    rows = report.overdue_reviews.values_list(
        "employee__user__first_name",
        "employee__user__last_name",
        "employee__user__username",
        "employee__employee_number",
        "employee__department__name",
        "manager__user__first_name",
        "manager__user__last_name",
        "manager__user__username",
        "state",
    )
    return ExportSheet(
        title=_("Overdue"),
        columns=[
            Column("employee", _("Employee"), "text"),
            Column("number", _("Employee number"), "text"),
            Column("department", _("Department"), "text"),
            Column("manager", _("Manager"), "text"),
            Column("status", _("Status"), "text"),
        ],
        rows=[
            [_name(*row[0:3]), row[3], row[4], _name(*row[5:8]), str(states[row[8]])]
            for row in rows
        ],
    )


def years_sheet(report: MedReport) -> ExportSheet:
    """The whole organisation, year by year: the MED report's trend."""
    columns = [Column("year", _("Year"), "year"), *report.columns]
    return ExportSheet(
        title=_("Year by year"),
        columns=columns,
        rows=[
            [y.year, y.employees, y.held, y.held_share, y.concluded, y.concluded_share]
            for y in report.years
        ],
    )


def notes_sheet(*notes: str) -> ExportSheet:
    """What a reader of the file needs to know about its figures, which a page says beside them."""
    column = Column("note", _("About the figures"), "text")
    return ExportSheet(
        title=_("About the figures"), columns=[column], rows=[[note] for note in notes]
    )


def filename(*parts: str, extension: str) -> str:
    """E.g. "fremdrift-mus-2027-kontor-for-data-og-drift.xlsx"."""
    return "-".join(slugify(str(p).translate(DANISH_LETTERS)) for p in parts if p) + extension


# Writing them


def _csv_text(value: object) -> str:
    if value is None:
        return ""
    if value is HIDDEN:
        return str(value)
    if isinstance(value, float):  # a share, as Danish Excel reads a percentage: "42,5%"
        return f"{value * 100:.1f}".replace(".", ",") + "%"
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_response(sheet: ExportSheet, name: str) -> HttpResponse:
    """UTF-8 with a byte order mark, semicolons and CRLF: what Danish Excel expects."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([column.label for column in sheet.columns])
    writer.writerows([_csv_text(value) for value in row] for row in sheet.rows)
    response = HttpResponse(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="F1EDE5")
HIDDEN_FONT = Font(italic=True, color="4A5A61")
NUMBER_FORMATS = {"count": "#,##0", "share": "0.0%", "year": "0"}


def _width(column: Column, values: list[Any]) -> float:
    """Wide enough for the header and the longest value, within reason."""
    longest = max([len(column.label), *(len(_csv_text(v)) for v in values)], default=8)
    return min(max(longest + 2, 9), 60)


# What a sheet's cell holds: a text, a count, a share (or None: no share), or HIDDEN.
type Value = str | float | Hidden | None


def _xlsx_cell(
    ws: WriteOnlyWorksheet, column: Column, value: Value, indent: int = 0
) -> Value | Cell:
    plain = column.kind == "text" and not indent
    if plain and not (isinstance(value, str) and value.startswith(FORMULA_START)):
        return value  # a plain value writes several times faster than a styled cell
    hidden = isinstance(value, Hidden)  # HIDDEN, the one there is
    cell = WriteOnlyCell(ws, value=str(value) if isinstance(value, Hidden) else value)
    if hidden:
        cell.font = HIDDEN_FONT
        cell.alignment = Alignment(horizontal="right")
    elif column.kind in NUMBER_FORMATS:
        cell.number_format = NUMBER_FORMATS[column.kind]
    elif isinstance(value, str) and value.startswith(FORMULA_START):
        cell.data_type = "s"  # text, never a formula
    if indent and column.kind == "text":
        cell.alignment = Alignment(indent=indent)
    return cell


def xlsx_bytes(sheets: list[ExportSheet], title: str) -> bytes:
    """Real numbers with number formats, the header row frozen, a filter on every column."""
    workbook = Workbook(write_only=True)
    workbook.properties.title = title
    workbook.properties.creator = "MUS"
    for sheet in sheets:
        ws = workbook.create_sheet(_sheet_title(sheet.title))
        for index, column in enumerate(sheet.columns):
            values = [row[index] for row in sheet.rows]
            ws.column_dimensions[get_column_letter(index + 1)].width = _width(column, values)
        ws.freeze_panes = "B2"
        last = get_column_letter(len(sheet.columns))
        ws.auto_filter.ref = f"A1:{last}{len(sheet.rows) + 1}"
        header = []
        for column in sheet.columns:
            cell = WriteOnlyCell(ws, value=column.label)
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            header.append(cell)
        ws.append(header)
        indents = sheet.indents or [0] * len(sheet.rows)
        for row, indent in zip(sheet.rows, indents, strict=True):
            ws.append(
                [
                    _xlsx_cell(ws, column, value, indent if index == 0 else 0)
                    for index, (column, value) in enumerate(zip(sheet.columns, row, strict=True))
                ]
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    # Excel allows 31 characters and none of []:*?/\ in a sheet's name.
    return "".join(c for c in title if c not in "[]:*?/\\")[:31]


def xlsx_response(sheets: list[ExportSheet], title: str, name: str) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(sheets, title), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
