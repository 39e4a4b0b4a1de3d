"""Reading and checking a CSV file of people to invite. Pure Python: nothing is written here."""

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from passaparola.people.models import Role
from passaparola.people.names import person_name_clean

REQUIRED = ("name", "email")
OPTIONAL = ("teams", "role", "location", "seniority", "wave", "language")
COLUMNS = REQUIRED + OPTIONAL
ALIASES = {
    "full name": "name",
    "e-mail": "email",
    "email address": "email",
    "mail": "email",
    "team": "teams",
    "department": "teams",
    "pilot wave": "wave",
    "lang": "language",
}
TEAM_SEPARATORS = ("|", ";")
NAME_MAX = 120
TEAM_MAX = 80
# Programme managers are named in the people directory, one by one, never by a file.
IMPORTABLE_ROLES = [role for role in Role if role != Role.ADMIN]

MESSAGES = {
    "encoding": _("The file is not text we can read. Save it as CSV in UTF-8."),
    "empty": _("The file is empty."),
    "too_big": _("The file is too large: at most %(limit)s bytes."),
    "too_many_rows": _("The file has too many rows: at most %(limit)s."),
    "not_csv": _("The file is not a CSV file we can read: %(detail)s"),
    "column_missing": _("The column “%(column)s” is missing from the first row."),
    "column_unknown": _(
        "The column “%(value)s” is not one we know. Use: name, email, teams, role, "
        "location, seniority, wave, language."
    ),
    "column_twice": _("The column “%(column)s” appears twice."),
    "extra_cells": _("This row has more cells than the first row has columns."),
    "required": _("This cell is empty; it is required."),
    "too_long": _("“%(value)s” is too long: at most %(limit)s characters."),
    "invisible_characters": _("A name cannot contain invisible or text-direction characters."),
    "email_invalid": _("“%(value)s” is not a valid email address."),
    "email_twice": _("The address %(value)s already appears in row %(first)s."),
    "role_unknown": _("“%(value)s” is not a role. Use member, lead, editor or viewer."),
    "role_admin": _(
        "Programme managers cannot be named by import; change their role in the people directory."
    ),
    "language_unknown": _("“%(value)s” is not a language of the platform. Use %(choices)s."),
}


def message_for(error: dict[str, object]) -> str:
    """Return the message of a stored error in the active language."""
    template = MESSAGES.get(str(error.get("code")), _("This cell is not valid."))
    params = {key: value for key, value in error.items() if key not in {"row", "column", "code"}}
    params.setdefault("column", error.get("column", ""))
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(template)


class ImportFileError(Exception):
    """The file as a whole cannot be read; `code` names a message in MESSAGES."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def as_error(self) -> dict[str, object]:
        """Return this problem as an error of row 1."""
        return {"row": 1, "column": "", "code": self.code, **self.params}


@dataclass
class Row:
    number: int
    name: str
    email: str
    teams: list[str]
    role: str
    location: str
    seniority: str
    wave: str
    language: str

    def team_names(self) -> list[str]:
        """Return every team this row puts the person in, department first."""
        names = list(self.teams)
        names += [name for name in (self.location, self.seniority) if name]
        return names


@dataclass
class Report:
    """What checking a file found."""

    total: int = 0
    rows: list[Row] = field(default_factory=list)
    error_rows: int = 0
    existing: int = 0
    errors: list[dict[str, object]] = field(default_factory=list)


def decode(data: bytes) -> str:
    """Return the file as text: UTF-8 (with or without a BOM), else Windows-1252 from Excel."""
    if len(data) > settings.INVITATION_IMPORT_MAX_BYTES:
        raise ImportFileError("too_big", limit=settings.INVITATION_IMPORT_MAX_BYTES)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise ImportFileError("encoding") from None
    if "\x00" in text:
        raise ImportFileError("encoding")
    if not text.strip():
        raise ImportFileError("empty")
    return text


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    first_line = text.split("\n", 1)[0]
    try:
        # Spreadsheets in Italy and the Netherlands separate cells with semicolons.
        return csv.Sniffer().sniff(first_line, delimiters=",;\t")
    except csv.Error:
        return csv.excel


def records(text: str) -> Iterator[list[str]]:
    """Yield the cells of every record, the header first."""
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text))
    try:
        yield from reader
    except csv.Error as error:
        raise ImportFileError("not_csv", detail=str(error)) from None


def count_rows(text: str) -> int:
    """Return the number of records after the header."""
    total = sum(1 for _record in records(text)) - 1
    if total > settings.INVITATION_IMPORT_MAX_ROWS:
        raise ImportFileError("too_many_rows", limit=settings.INVITATION_IMPORT_MAX_ROWS)
    return max(total, 0)


def _header(cells: list[str]) -> tuple[list[str | None], list[dict[str, object]]]:
    columns: list[str | None] = []
    errors: list[dict[str, object]] = []
    for cell in cells:
        label = " ".join(cell.strip().lower().replace("_", " ").split())
        name = ALIASES.get(label, label)
        if not label:
            columns.append(None)
        elif name not in COLUMNS:
            errors.append(
                {"row": 1, "column": cell.strip(), "code": "column_unknown", "value": cell.strip()}
            )
            columns.append(None)
        elif name in columns:
            errors.append({"row": 1, "column": name, "code": "column_twice"})
            columns.append(None)
        else:
            columns.append(name)
    for name in REQUIRED:
        if name not in columns:
            errors.append({"row": 1, "column": name, "code": "column_missing"})
    return columns, errors


def _roles() -> dict[str, str]:
    """Return every way a role may be written (its code or its name) and the role it means."""
    names = {role.value: role.value for role in Role}
    names.update({str(role.label).lower(): role.value for role in Role})
    return names


def _split_teams(value: str) -> list[str]:
    for separator in TEAM_SEPARATORS:
        value = value.replace(separator, "\n")
    return list(dict.fromkeys(" ".join(part.split()) for part in value.split("\n") if part.strip()))


class Checker:
    """Check rows one by one, remembering addresses seen earlier in the file."""

    def __init__(self, *, existing: set[str]) -> None:
        self.existing = existing
        self.seen: dict[str, int] = {}
        self.languages = {code for code, _name in settings.LANGUAGES}
        self.roles = _roles()

    def check(
        self, number: int, values: dict[str, str], extra: bool
    ) -> tuple[Row | None, list[dict[str, object]]]:
        """Return the row when it is valid, else its errors."""
        errors: list[dict[str, object]] = []

        def error(column: str, code: str, **params: object) -> None:
            errors.append({"row": number, "column": column, "code": code, **params})

        if extra:
            error("", "extra_cells")
        name = " ".join(values.get("name", "").split())
        if not name:
            error("name", "required")
        elif len(name) > NAME_MAX:
            error("name", "too_long", value=name[:40] + "…", limit=NAME_MAX)
        elif name != person_name_clean(name):
            error("name", "invisible_characters")
        email = values.get("email", "").strip().lower()
        if not email:
            error("email", "required")
        else:
            try:
                validate_email(email)
            except ValidationError:
                error("email", "email_invalid", value=email[:100])
            else:
                if email in self.seen:
                    error("email", "email_twice", value=email, first=self.seen[email])
                else:
                    self.seen[email] = number
        written = values.get("role", "").strip().lower()
        role = self.roles.get(written) if written else Role.MEMBER
        if role is None:
            error("role", "role_unknown", value=values.get("role", "").strip()[:40])
        elif role == Role.ADMIN:
            error("role", "role_admin")
        teams = _split_teams(values.get("teams", ""))
        single = {
            column: " ".join(values.get(column, "").split())
            for column in ("location", "seniority", "wave")
        }
        for column, names in [("teams", teams), *((c, [v]) for c, v in single.items())]:
            for team in names:
                if len(team) > TEAM_MAX:
                    error(column, "too_long", value=team[:40] + "…", limit=TEAM_MAX)
        language = values.get("language", "").strip().lower()
        if language and language not in self.languages:
            error(
                "language",
                "language_unknown",
                value=language[:20],
                choices=", ".join(sorted(self.languages)),
            )
        if errors:
            return None, errors
        return (
            Row(
                number=number,
                name=name,
                email=email,
                teams=teams,
                role=str(role),
                location=single["location"],
                seniority=single["seniority"],
                wave=single["wave"],
                language=language,
            ),
            [],
        )


def emails_in(text: str) -> set[str]:
    """Return the lower-cased addresses in the email column, to look them up in one go."""
    found: set[str] = set()
    rows = records(text)
    header = next(rows, [])
    columns, _errors = _header(header)
    if "email" not in columns:
        return found
    index = columns.index("email")
    for cells in rows:
        if len(cells) > index and cells[index].strip():
            found.add(cells[index].strip().lower())
    return found


def check(
    text: str,
    *,
    existing: set[str],
    max_errors: int = 1000,
    progress: Callable[[int], None] | None = None,
    every: int = 500,
) -> Report:
    """Check the whole file; the report holds the valid new rows and the errors by row."""
    report = Report()
    rows = records(text)
    header = next(rows, None)
    if header is None:
        raise ImportFileError("empty")
    columns, header_errors = _header(header)
    if header_errors:
        report.errors = header_errors
        report.error_rows = 1
        return report
    checker = Checker(existing=existing)
    for index, cells in enumerate(rows, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        report.total += 1
        values = {
            column: cell for column, cell in zip(columns, cells, strict=False) if column is not None
        }
        row, errors = checker.check(index, values, extra=len(cells) > len(columns))
        if errors:
            report.error_rows += 1
            room = max_errors - len(report.errors)
            report.errors.extend(errors[: max(room, 0)])
        elif row is not None and row.email in existing:
            report.existing += 1
        elif row is not None:
            report.rows.append(row)
        if progress is not None and report.total % every == 0:
            progress(report.total)
    return report
