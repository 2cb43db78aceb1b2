"""The numbered rules applied to one parsed file, driven by the kinds that live in it."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from binatsec.corpus import spec
from binatsec.corpus.kinds import Kind
from binatsec.corpus.problems import Problem
from binatsec.corpus.reading import ContentFile
from binatsec.corpus.records import Record
from binatsec.corpus.spec import ID_PATTERN, INVALID, MAX_PROBLEMS


class TooManyProblems(Exception):
    """More problems than are ever shown: checking stops here."""


class Problems(list[Problem]):
    """The problems found so far; adding one past the cap stops the whole check."""

    def append(self, problem: Problem) -> None:
        if len(self) >= MAX_PROBLEMS:
            raise TooManyProblems()
        super().append(problem)


class MissingField(AttributeError):
    """A rule read a field that a broken record lacks (`StandIn`)."""


class StandIn:
    """A record that failed its own checks, standing in for it in the rules across records,
    with the fields that passed (and the defaults of optional ones it leaves out): its
    links are still checked, and a rule over its kind still runs, unless the rule reads a
    field the record lacks (MissingField); that rule alone waits until the record is fixed.
    So one lint run reports a broken record's own problems and the ones across records."""

    __slots__ = ("_values",)

    def __init__(self, values: dict[str, Any]) -> None:
        self._values = values

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise MissingField(name) from None

    def _asdict(self) -> dict[str, Any]:
        return dict(self._values)

    def __repr__(self) -> str:
        return f"StandIn({self._values!r})"


class FileChecker:
    """Checks one file's records and builds those that pass."""

    def __init__(self, file: ContentFile, problems: list[Problem]) -> None:
        self.file = file
        self.problems = problems
        # Where each record sits (table, index), built or not, so cross-file problems found
        # later can still point at a line.
        self.places: dict[str, tuple[str, int]] = {}
        # Every id a row declares, built or not: links to a broken record are not dangling.
        self.declared: set[str] = set()
        # The records that failed their own checks, by kind name, as stand-ins.
        self.stand_ins: dict[str, list[StandIn]] = {}

    def problem(self, rule: str, message: str, table: str | None = None, index: int = 0,
                record_id: str | None = None, key: str | None = None) -> None:
        line = self.file.line_of(table, index, key) if table is not None else None
        self.problems.append(Problem(rule, self.file.label, message, line=line,
                                     record_id=record_id, key=key))

    def line_of(self, record_id: str, key: str | None) -> int | None:
        place = self.places.get(record_id)
        return None if place is None else self.file.line_of(place[0], place[1], key)

    def records(self, file_kinds: tuple[Kind, ...]) -> dict[str, list[Record]]:
        """Every valid record in the file, by kind name."""
        known_tables = {kind.table for kind in file_kinds}
        for table in self.file.data:
            if table not in known_tables:
                self.problem("BC003", f"unknown table '{table}' (expected: "
                             f"{', '.join(sorted(known_tables))})")
        built: dict[str, list[Record]] = {}
        for kind in file_kinds:
            rows = self.file.data.get(kind.table, [])
            if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
                self.problem("BC005", f"'{kind.table}' must be an array of tables "
                             f"([[{kind.table}]])")
                continue
            built[kind.name] = []
            for index, row in enumerate(rows):
                raw_id = row.get("id")
                if isinstance(raw_id, str):
                    self.declared.add(raw_id)
                record = self.record(kind, index, row)
                # An id a row before already took, whether that row or this one is broken.
                if isinstance(raw_id, str) and raw_id in self.places:
                    self.problem("BC007", "duplicate id", kind.table, index, raw_id, "id")
                    standing = self.stand_ins.get(kind.name, [])
                    if record is None and standing and standing[-1].id == raw_id:
                        standing.pop()  # the first row of that id stands in, not this one
                    continue
                if isinstance(raw_id, str):
                    self.places[raw_id] = (kind.table, index)
                if record is not None:
                    built[kind.name].append(record)
        return built

    def record(self, kind: Kind, index: int, row: dict[str, Any]) -> Record | None:
        """The row's record, or None (its problems reported, and a stand-in kept when it
        has an id to be known by)."""
        raw_id = row.get("id")
        record_id = raw_id if isinstance(raw_id, str) else f"{kind.table} #{index + 1}"
        before = len(self.problems)

        def report(rule: str, message: str, key: str | None = None) -> None:
            self.problem(rule, message, kind.table, index, record_id, key)

        if not row.keys() <= _field_names(kind):
            names = [field.name for field in kind.fields]
            for key in row:
                if key not in names:
                    report("BC003", f"unknown key (expected one of: {', '.join(names)})", key)
        values: dict[str, Any] = {}
        for field in kind.fields:
            if field.name not in row:
                if field.required:
                    report("BC004", "required key is missing", field.name)
                continue
            value = field.check(row[field.name], field.name, report)
            if value is not INVALID:
                values[field.name] = value
        if kind.prefix and isinstance(raw_id, str) and (
            not ID_PATTERN.match(raw_id) or raw_id.split(".")[0] != kind.prefix
        ):
            report("BC006", f"id must look like '{kind.prefix}.some-name' (lowercase, "
                   "digits and hyphens)", "id")
        if len(self.problems) == before:  # rules across fields see only well-typed fields
            for check in kind.record_checks:
                check(values, report)
        if len(self.problems) > before:
            if isinstance(raw_id, str):
                defaults = getattr(kind.record, "_field_defaults", {})
                stand_in = {name: default for name, default in defaults.items()
                            if name not in row}
                stand_in.update(values, id=raw_id)
                self.stand_ins.setdefault(kind.name, []).append(StandIn(stand_in))
            return None
        return kind.record(**values)


@cache
def _field_names(kind: Kind) -> frozenset[str]:
    return frozenset(field.name for field in kind.fields)


def untranslated(file: ContentFile, file_kinds: tuple[Kind, ...]) -> Iterator[Problem]:
    """BC017 for a complete corpus (the bundled content, or a folder checked with
    --standalone): each text that has its English but no Spanish. A folder layered over the
    bundled content may be English-only: its records fall back to English."""
    for kind in file_kinds:
        rows = file.data.get(kind.table)
        if not isinstance(rows, list):
            continue
        texts = [field.name for field in kind.fields if field.check is spec.text]
        for index, row in enumerate(rows):
            if not isinstance(row, dict):
                continue
            raw_id = row.get("id")
            record_id = raw_id if isinstance(raw_id, str) else f"{kind.table} #{index + 1}"
            for name in texts:
                value = row.get(name)
                if isinstance(value, dict) and isinstance(value.get("en"), str) \
                        and "es" not in value:
                    yield Problem("BC017", file.label, "has English but no Spanish: the "
                                  "bundled content has every text in both languages",
                                  line=file.line_of(kind.table, index, f"{name}.en"),
                                  record_id=record_id, key=f"{name}.es")


def _strings(value: Any, key: str) -> Iterator[tuple[str, str]]:
    """Every string inside a TOML value, with the dotted key that holds it."""
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for name, inner in value.items():
            yield from _strings(inner, f"{key}.{name}")
    elif isinstance(value, list):
        for inner in value:
            yield from _strings(inner, key)


def unsafe_text_warnings(file: ContentFile) -> Iterator[Problem]:
    """BC015: each text value holding characters that binatsec drops when it shows text
    (terminal and bidi controls, invisible format characters), whether written raw or as a
    TOML escape such as \\u001b."""
    from binatsec.textsafety import unsafe_characters

    for table, rows in file.data.items():
        for index, row in enumerate(rows if isinstance(rows, list) else [rows]):
            if not isinstance(row, dict):
                continue
            record_id = row.get("id") if isinstance(row.get("id"), str) else None
            for key, text in _row_strings(row):
                found = unsafe_characters(text)
                if not found:
                    continue
                names = ", ".join(dict.fromkeys(f"U+{ord(char):04X}" for _, char in found))
                yield Problem("BC015", file.label,
                              f"holds characters that can drive a terminal or hide text "
                              f"({names}); they are dropped wherever binatsec shows it",
                              line=file.line_of(table, index, key), record_id=record_id,
                              key=key, severity="warning")


def _row_strings(row: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for name, value in row.items():
        yield from _strings(value, name)
