"""Read content files, validate them against the content spec, and build frozen records.

This module is the only one that reads content files. Every problem is reported with the
file, the line (where one can be found), the record id, the key and a numbered rule, so
`binatsec lint` and the loader speak with one voice. See docs/content-spec.md.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:  # importing importlib.resources costs start-up time on every run
    from importlib.resources.abc import Traversable

from binatsec import model, parse_cache
from binatsec.model import Corpus, Text

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_PROBLEMS = 50
YEAR_RANGE = (1800, 2100)
ID_PATTERN = re.compile(r"^[a-z]+\.[a-z0-9]+(?:-[a-z0-9]+)*$")
CATEGORY_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

RULES: dict[str, str] = {
    "BC001": "a content file must be valid TOML",
    "BC002": "a content folder holds only the known file names",
    "BC003": "no unknown tables or keys",
    "BC004": "every required key is present",
    "BC005": "every value has the type the spec gives",
    "BC006": "ids are '<kind>.<kebab-case>' with the kind's prefix",
    "BC007": "ids are unique",
    "BC008": "a statistic's category is declared in stats.toml",
    "BC009": "links (related, supports, attribution) point at existing records",
    "BC010": "values lie in their allowed set or range",
    "BC011": "text has English, only known languages, and is not blank",
    "BC012": "a content file is a regular, readable file of at most 5 MB",
}


class Problem(NamedTuple):
    """One thing wrong with the content, located as precisely as the file allows."""

    rule: str
    file: str
    message: str
    line: int | None = None
    column: int | None = None
    record_id: str | None = None
    key: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        parts = [where]
        if self.record_id:
            parts.append(self.record_id)
        if self.key:
            parts.append(self.key)
        return f"{': '.join(parts)}: {self.message} [{self.rule}]"


class ContentError(Exception):
    """The content could not be loaded; `problems` says everything that is wrong."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


# --- the spec -------------------------------------------------------------------------------

_Kind = str  # one of: id text str int number year ids ref category enum:<a,b>


class RecordSpec(NamedTuple):
    table: str
    section: str
    prefix: str | None
    build: Callable[..., model.Record]
    required: Mapping[str, _Kind]
    optional: Mapping[str, _Kind] = MappingProxyType({})


_LINKS = {"related": "ids"}

SPECS: dict[str, tuple[RecordSpec, ...]] = {
    "faq": (
        RecordSpec("faq", "faq", "faq", model.FaqEntry,
                   {"id": "id", "question": "text", "answer": "text"}, _LINKS),
    ),
    "myths": (
        RecordSpec("myth", "myths", "myth", model.Myth,
                   {"id": "id", "myth": "text", "reality": "text"}, _LINKS),
    ),
    "timeline": (
        RecordSpec("event", "timeline", "event", model.TimelineEvent,
                   {"id": "id", "year": "year", "title": "text", "summary": "text"},
                   {"end_year": "year", "when": "text", **_LINKS}),
    ),
    "pillars": (
        RecordSpec("pillar", "pillars", "pillar", model.Pillar,
                   {"id": "id", "number": "int", "name": "text", "summary": "text",
                    "example": "text"},
                   {"attribution": "ref", **_LINKS}),
    ),
    "stats": (
        RecordSpec("category", "categories", None, model.Category,
                   {"id": "category", "name": "text"}),
        RecordSpec("stat", "stats", "stat", model.Stat,
                   {"id": "id", "category": "category", "label": "text", "what": "text",
                    "value": "number", "unit": "enum:" + ",".join(model.UNITS),
                    "qualifier": "enum:" + ",".join(model.QUALIFIERS)},
                   {"year": "year", "period": "text", "attribution": "ref", "note": "text",
                    "supports": "ids"}),
    ),
    "cooperation": (
        RecordSpec("area", "cooperation", "area", model.Area,
                   {"id": "id", "name": "text", "summary": "text", "example": "text"}, _LINKS),
    ),
    "criticisms": (
        RecordSpec("criticism", "criticisms", "criticism", model.Criticism,
                   {"id": "id", "title": "text", "claim": "text", "response": "text"}, _LINKS),
    ),
    "outlook": (
        RecordSpec("trend", "outlook", "trend", model.Trend,
                   {"id": "id", "title": "text", "summary": "text"}, _LINKS),
    ),
    "actions": (
        RecordSpec("action", "actions", "action", model.Action,
                   {"id": "id", "title": "text", "summary": "text"}, _LINKS),
    ),
    "sources": (
        RecordSpec("source", "sources", "source", model.Source,
                   {"id": "id", "name": "str", "short_name": "str", "role": "text"}),
    ),
}

CONTENT_FILES: tuple[str, ...] = tuple(f"{name}.toml" for name in SPECS)


# --- reading --------------------------------------------------------------------------------


class _Located(NamedTuple):
    """A parsed file with enough of its text kept to point at lines."""

    label: str
    text: str
    data: dict[str, Any]

    def record_line(self, table: str, index: int, key: str | None = None) -> int | None:
        header = re.compile(rf"^\s*\[\[\s*{re.escape(table)}\s*\]\]")
        lines = self.text.splitlines()
        starts = [n for n, line in enumerate(lines) if header.match(line)]
        if index >= len(starts):
            return None
        start = starts[index]
        if key is None:
            return start + 1
        key_pattern = re.compile(rf"^\s*{re.escape(key)}\s*[.=]")
        for n in range(start + 1, len(lines)):
            if lines[n].lstrip().startswith("["):
                break
            if key_pattern.match(lines[n]):
                return n + 1
        return start + 1


def _read(entry: Traversable, label: str, problems: list[Problem]) -> _Located | None:
    try:
        if isinstance(entry, Path):
            if entry.is_symlink():
                problems.append(Problem("BC012", label, "is a symbolic link; refusing to follow"))
                return None
            if not entry.is_file():
                reason = "is not a regular file" if entry.exists() else "is missing"
                problems.append(Problem("BC012", label, reason))
                return None
            if entry.stat().st_size > MAX_FILE_BYTES:
                problems.append(Problem("BC012", label, "is larger than 5 MB; refusing to read"))
                return None
        raw = entry.read_bytes()
    except OSError as error:
        problems.append(Problem("BC012", label, f"cannot be read: {error.strerror or error}"))
        return None
    if len(raw) > MAX_FILE_BYTES:
        problems.append(Problem("BC012", label, "is larger than 5 MB; refusing to read"))
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        problems.append(Problem("BC001", label, f"is not UTF-8 text (byte {error.start})"))
        return None
    try:
        data = parse_cache.parse(raw, text, tomllib.loads)
    except tomllib.TOMLDecodeError as error:
        problems.append(_syntax_problem(label, text, error))
        return None
    return _Located(label, text, data)


def _syntax_problem(label: str, text: str, error: Exception) -> Problem:
    message = str(error)
    line = getattr(error, "lineno", None)
    column = getattr(error, "colno", None)
    if line is None:
        # Python 3.11's tomllib only puts the position in the message: "... (at line 3, column 7)".
        match = re.search(r"\(at line (\d+), column (\d+)\)", message)
        if match:
            line, column = int(match.group(1)), int(match.group(2))
        elif "(at end of document)" in message:
            line = text.count("\n") + 1
    message = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", message)
    message = getattr(error, "msg", message) or message
    if line is not None:
        opened = _unclosed_string(text, line, message)
        if opened is not None and opened[0] == line:
            message = (f"the string opened at column {opened[1]} is not closed before the "
                       "end of the line")
        elif opened is not None:
            # The parser gives up where the file ends; the cause is the quote that opened
            # the string, lines earlier, so point there.
            message = f"this string is never closed (the parser gave up at line {line})"
            line, column = opened
    return Problem("BC001", label, f"TOML syntax error: {message}", line=line, column=column)


def _unclosed_string(text: str, line: int, message: str) -> tuple[int, int] | None:
    """Where an unterminated string opened (line, column), for errors reported at its end."""
    if not message.startswith(("Unterminated string", "Illegal character '\\n'",
                               "Expected \"'\"", "Expected \"'''\"")):
        return None
    before = "\n".join(text.splitlines()[:line])
    candidates: list[int] = []
    for quote in ('"""', "'''"):
        if before.count(quote) % 2:
            candidates.append(before.rfind(quote))
    if not candidates:
        # A one-line string cut by the end of its line: the first quote after the '='.
        start = before.rfind("\n") + 1
        match = re.match(r"[^=]*=\s*(\"|')", before[start:])
        if match is None:
            return None
        candidates.append(start + match.start(1))
    offset = max(candidates)
    return before.count("\n", 0, offset) + 1, offset - (before.rfind("\n", 0, offset) + 1) + 1


# --- validation -----------------------------------------------------------------------------


def _type_name(value: object) -> str:
    return {bool: "boolean", int: "integer", float: "number", str: "string", list: "array",
            dict: "table"}.get(type(value), type(value).__name__)


class _FileChecker:
    def __init__(self, located: _Located, problems: list[Problem]) -> None:
        self.located = located
        self.problems = problems
        # Where each built record sits (table, index), so cross-file problems found later
        # can still point at a line.
        self.places: dict[str, tuple[str, int]] = {}
        # Every id a row declares, built or not: links to a broken record are not dangling.
        self.declared: set[str] = set()

    def problem(self, rule: str, message: str, table: str | None = None, index: int = 0,
                record_id: str | None = None, key: str | None = None) -> None:
        line = None
        if table is not None:
            line = self.located.record_line(table, index, key.split(".")[0] if key else None)
        self.problems.append(Problem(rule, self.located.label, message, line=line,
                                     record_id=record_id, key=key))

    def records(self, name: str) -> dict[str, list[model.Record]]:
        specs = SPECS[name]
        known_tables = {spec.table for spec in specs}
        for table in self.located.data:
            if table not in known_tables:
                self.problem("BC003", f"unknown table '{table}' (expected: "
                             f"{', '.join(sorted(known_tables))})")
        built: dict[str, list[model.Record]] = {}
        for spec in specs:
            rows = self.located.data.get(spec.table, [])
            if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
                self.problem("BC005", f"'{spec.table}' must be an array of tables "
                             f"([[{spec.table}]])")
                continue
            built[spec.section] = []
            for index, row in enumerate(rows):
                if isinstance(row.get("id"), str):
                    self.declared.add(row["id"])
                record = self.record(spec, index, row)
                if record is None:
                    continue
                if record.id in self.places:
                    self.problem("BC007", "duplicate id", spec.table, index, record.id, "id")
                    continue
                self.places[record.id] = (spec.table, index)
                built[spec.section].append(record)
        return built

    def line_of(self, record_id: str | None, key: str | None) -> int | None:
        if record_id not in self.places or record_id is None:
            return None
        table, index = self.places[record_id]
        return self.located.record_line(table, index, key.split(".")[0] if key else None)

    def record(self, spec: RecordSpec, index: int, row: dict[str, Any]) -> model.Record | None:
        raw_id = row.get("id")
        record_id = raw_id if isinstance(raw_id, str) else f"{spec.table} #{index + 1}"
        before = len(self.problems)

        def fail(rule: str, message: str, key: str | None = None) -> None:
            self.problem(rule, message, spec.table, index, record_id, key)

        fields = {**spec.required, **spec.optional}
        for key in row:
            if key not in fields:
                fail("BC003", f"unknown key (expected one of: {', '.join(fields)})", key)
        for key in spec.required:
            if key not in row:
                fail("BC004", "required key is missing", key)
        values: dict[str, Any] = {}
        for key, kind in fields.items():
            if key in row:
                values[key] = self.value(kind, row[key], spec, key, fail)
        if spec.prefix and isinstance(raw_id, str) and (
            not ID_PATTERN.match(raw_id) or raw_id.split(".")[0] != spec.prefix
        ):
            fail("BC006", f"id must look like '{spec.prefix}.some-name' (lowercase, "
                 "digits and hyphens)", "id")
        end_year, year = values.get("end_year"), values.get("year")
        if isinstance(end_year, int) and isinstance(year, int) and end_year < year:
            fail("BC010", f"end_year {end_year} is before year {year}", "end_year")
        value = values.get("value")
        if values.get("unit") == "percent" and isinstance(value, float) and value > 100:
            fail("BC010", "a percentage must lie between 0 and 100", "value")
        if len(self.problems) > before:
            return None
        return spec.build(**values)

    def value(self, kind: str, value: Any, spec: RecordSpec, key: str,
              fail: Callable[..., None]) -> Any:
        def wrong(expected: str) -> None:
            fail("BC005", f"expected {expected}, got {_type_name(value)} {value!r}"[:160], key)

        if kind in ("id", "str", "ref", "category"):
            if not isinstance(value, str):
                return wrong("a string")
            if not value.strip():
                return fail("BC011", "must not be blank", key)
            if kind == "category" and not CATEGORY_PATTERN.match(value):
                return fail("BC006", "a category id is lowercase kebab-case, like 'seizures'",
                            key)
            return value
        if kind == "text":
            return self.text(value, key, fail)
        if kind in ("int", "year"):
            if isinstance(value, bool) or not isinstance(value, int):
                return wrong("an integer")
            if kind == "year" and not YEAR_RANGE[0] <= value <= YEAR_RANGE[1]:
                return fail("BC010", f"year {value} is outside {YEAR_RANGE[0]}–{YEAR_RANGE[1]}",
                            key)
            if kind == "int" and value < 1:
                return fail("BC010", f"must be 1 or more, got {value}", key)
            return value
        if kind == "number":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return wrong("a plain number (3.9 million is 3900000)")
            if value != value or value in (float("inf"), float("-inf")) or value < 0:
                return fail("BC010", f"must be a finite number of 0 or more, got {value}", key)
            return float(value)
        if kind == "ids":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                return wrong("an array of id strings")
            return tuple(value)
        if kind.startswith("enum:"):
            choices = kind.removeprefix("enum:").split(",")
            if not isinstance(value, str):
                return wrong("a string")
            if value not in choices:
                return fail("BC010", f"{value!r} is not one of: {', '.join(choices)}", key)
            return value
        raise AssertionError(f"unknown field kind {kind}")  # pragma: no cover

    def text(self, value: Any, key: str, fail: Callable[..., None]) -> Text | None:
        if isinstance(value, str):
            fail("BC005", f"text is a table of languages: write '{key}.en = \"...\"'", key)
            return None
        if not isinstance(value, dict):
            fail("BC005", f"expected a table of languages, got {_type_name(value)}", key)
            return None
        for language, text in value.items():
            if language not in model.LANGUAGES:
                fail("BC011", f"unknown language '{language}' (known: "
                     f"{', '.join(model.LANGUAGES)})", f"{key}.{language}")
            elif not isinstance(text, str):
                fail("BC005", f"expected a string, got {_type_name(text)}", f"{key}.{language}")
            elif not text.strip():
                fail("BC011", "must not be blank", f"{key}.{language}")
        if "en" not in value:
            fail("BC011", "English text is required", f"{key}.en")
            return None
        es = value.get("es")
        return Text(en=value["en"], es=es if isinstance(es, str) else None)


# --- assembling -----------------------------------------------------------------------------


def _layer(base: list[model.Record], extra: Iterable[model.Record]) -> list[model.Record]:
    """Records from a user's folder replace bundled ones with the same id, or come after."""
    merged = list(base)
    position = {record.id: n for n, record in enumerate(merged)}
    for record in extra:
        if record.id in position:
            merged[position[record.id]] = record
        else:
            position[record.id] = len(merged)
            merged.append(record)
    return merged


def _links(record: model.Record) -> Iterable[tuple[str, str]]:
    for key in ("related", "supports"):
        for target in getattr(record, key, ()):
            yield key, target
    attribution = getattr(record, "attribution", None)
    if attribution is not None:
        yield "attribution", attribution


_FILE_OF_PREFIX = {spec.prefix: name for name, specs in SPECS.items() for spec in specs
                   if spec.prefix}


def check_corpus(corpus: Corpus, origin: Mapping[str, str],
                 loaded: Collection[str] | None = None,
                 broken: Collection[str] = ()) -> list[Problem]:
    """Cross-file rules: categories, links and ordering.

    With `loaded` (the files in the corpus, when not all are), links into files that were
    not loaded are left for `binatsec lint`, which loads everything. `broken` holds the ids
    of records that failed their own checks: they exist, so links to them are not dangling,
    and this still runs, so one lint run lists every problem.
    """
    problems: list[Problem] = []
    ids = {record.id for record in corpus.records()} | set(broken)
    categories = [category.id for category in corpus.categories]
    declared_categories = [*categories, *broken]
    for stat in corpus.stats:
        if stat.category not in declared_categories:
            problems.append(Problem(
                "BC008", origin.get(stat.id, "stats.toml"),
                f"unknown category '{stat.category}' (declared: {', '.join(categories)})",
                record_id=stat.id, key="category"))
    for record in corpus.records():
        for key, target in _links(record):
            target_file = _FILE_OF_PREFIX.get(target.split(".", 1)[0])
            if loaded is not None and target_file is not None and target_file not in loaded:
                continue
            if target == record.id or target not in ids:
                reason = ("links to itself" if target == record.id
                          else f"links to unknown id '{target}'")
                problems.append(Problem("BC009", origin.get(record.id, "?"), reason,
                                        record_id=record.id, key=key))
    numbers = [pillar.number for pillar in corpus.pillars]
    pillars_broken = any(record_id.startswith("pillar.") for record_id in broken)
    in_order = sorted(numbers) == list(range(1, len(numbers) + 1))
    if corpus.pillars and not pillars_broken and not in_order:
        problems.append(Problem("BC010", origin.get(corpus.pillars[0].id, "pillars.toml"),
                                f"pillar numbers must run 1..{len(numbers)} without gaps, got "
                                f"{sorted(numbers)}", key="number"))
    return problems


class ContentSource:
    """Bundled content plus an optional user folder layered over it, loaded file by file."""

    def __init__(self, bundled: Traversable, overlay: Path | None = None) -> None:
        self.bundled = bundled
        self.overlay = overlay

    def load(self, names: Iterable[str] | None = None) -> Corpus:
        """Load the named files (all when None) into a corpus; raise ContentError on problems.

        Only the named files are parsed, also with a user's folder, so a command's cost
        does not grow with files it never shows. Cross-file rules run over every file when all
        are loaded, and over the loaded ones when a user's folder is in use (links into other
        files are checked by `binatsec lint`, which loads all).
        """
        wanted = list(SPECS) if names is None else list(dict.fromkeys(names))
        problems: list[Problem] = []
        overlay_files = self._overlay_files(problems)
        sections: dict[str, list[model.Record]] = {}
        origin: dict[str, str] = {}
        checkers: dict[str, _FileChecker] = {}
        declared: set[str] = set()
        unreadable: set[str] = set()
        for name in wanted:
            layers = [(self.bundled.joinpath(f"{name}.toml"), f"{name}.toml")]
            if name in overlay_files:
                layers.append((overlay_files[name], str(overlay_files[name])))
            for entry, label in layers:
                located = _read(entry, label, problems)
                if located is None:
                    unreadable.add(name)
                    continue
                checker = _FileChecker(located, problems)
                built = checker.records(name)
                declared |= checker.declared
                for section, records in built.items():
                    origin.update((record.id, label) for record in records)
                    checkers.update((record.id, checker) for record in records)
                    sections[section] = _layer(sections.get(section, []), records)
        corpus = Corpus(**{k: tuple(v) for k, v in sections.items()},  # type: ignore[arg-type]
                        by_id={r.id: r for v in sections.values() for r in v})
        every_file = len(wanted) == len(SPECS)
        if every_file or overlay_files:
            loaded = None if every_file and not unreadable else set(wanted) - unreadable
            built_ids = {record.id for records in sections.values() for record in records}
            for problem in check_corpus(corpus, origin, loaded, declared - built_ids):
                checker_of = checkers.get(problem.record_id or "")
                if checker_of is not None and problem.line is None:
                    line = checker_of.line_of(problem.record_id, problem.key)
                    problem = problem._replace(line=line)
                problems.append(problem)
        if problems:
            raise ContentError(problems[:MAX_PROBLEMS])
        return corpus

    def _overlay_files(self, problems: list[Problem]) -> dict[str, Path]:
        if self.overlay is None:
            return {}
        folder = self.overlay
        if not folder.is_dir():
            problems.append(Problem("BC012", str(folder), "is not a folder of content files"))
            return {}
        found: dict[str, Path] = {}
        try:
            entries = sorted(folder.iterdir())
        except OSError as error:
            problems.append(Problem("BC012", str(folder), f"cannot be listed: {error.strerror}"))
            return {}
        for path in entries:
            # Sub-folders are the user's business, unless one takes a content file's name:
            # that is a mistake to report (as "not a regular file"), not to pass over.
            if path.name.startswith(".") or (path.is_dir() and not path.is_symlink()
                                             and path.name not in CONTENT_FILES):
                continue
            if path.name not in CONTENT_FILES:
                problems.append(Problem(
                    "BC002", str(path),
                    f"unknown content file name (expected: {', '.join(CONTENT_FILES)})"))
                continue
            found[path.name.removesuffix(".toml")] = path
        return found


def lint(source: ContentSource) -> list[Problem]:
    """Every problem in a content source (up to MAX_PROBLEMS); empty when it is valid."""
    try:
        source.load()
    except ContentError as error:
        return list(error.problems)
    return []
