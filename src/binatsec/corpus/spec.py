"""The content spec as code: the numbered rules, and one plain function per kind of value.

docs/content-spec.md is the same spec in words; a test keeps the rule lists equal. Each
value check takes the raw TOML value and a `Report` to complain to, and returns the value
to store, or INVALID after reporting why.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Final, Protocol

from binatsec.corpus.records import LANGUAGES, Text
from binatsec.frozen import Frozen

# 16 MB: a folder 1,000 times the bundled content (70,000 records, its largest file 7.5 MB)
# still loads; the bound is what keeps a stray huge file from filling memory.
MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_PROBLEMS = 50
# Parts in one dotted key or table name: content uses two (answer.en), and tomllib's time
# grows with the square of the parts, so a key of 20,000 takes it 5 s (BC014).
MAX_KEY_PARTS = 32
YEAR_RANGE = (1800, 2100)
# The largest figure binatsec shows, converts (kg <-> lb) and charts exactly: a thousand
# trillion. The article's largest is $3 billion; 1.7e308 would overflow a conversion.
MAX_FIGURE = 10**15
MAX_NUMBER = 999  # the largest pillar number (the quiz and the pillar look-up agree)
# \Z, not $: "$" also matches before a final newline, and an id is matched whole.
ID_PATTERN = re.compile(r"[a-z]+\.[a-z0-9]+(?:-[a-z0-9]+)*\Z")
SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
# Text that stands in for a translation not written yet (BC017): a marker at its start
# (upper case only: "Todo" opens Spanish sentences), or nothing but one of these.
PLACEHOLDER_PATTERN = re.compile(
    r"(?:TODO|TBD|FIXME|XXX)\b|(?i:todo|tbd|fixme|x{3,}|\.{3,}|…+|\?{2,}|-{2,}|_+|n/a)\Z")
# A translation equal to the other language's text is a copy (BC017) from this many words:
# a short name ("DEA", "Plan Colombia") may read the same in both languages.
COPY_WORDS = 4

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
    "BC012": "a content file is a regular, readable file of at most 16 MB",
    "BC013": "an event has the year the article gives, or only a `when` label, never both",
    "BC014": f"a key or table name has at most {MAX_KEY_PARTS} dotted parts",
    "BC015": "text holds no terminal control, bidi control or invisible format character "
             "(a warning: binatsec drops them wherever it shows the text)",
    "BC016": "an event marked `ongoing` has a year: the year of the one instance the article "
             "dates",
    "BC017": "text is written in both languages: no placeholder, no copy of the other "
             "language, and in the bundled content no text without its Spanish",
}
# Rules that warn: lint reports them, and the content still loads.
WARNINGS = frozenset({"BC015"})


class _Invalid:
    def __repr__(self) -> str:
        return "INVALID"


INVALID: Final = _Invalid()


if TYPE_CHECKING:  # a Protocol class costs start-up time, and only the type checker needs it
    class Report(Protocol):
        """Where a check complains: a rule, a message, and the key (default: the field's)."""

        def __call__(self, rule: str, message: str, key: str | None = None) -> None: ...


Check = Callable[[Any, str, "Report"], Any]


class Field(Frozen):
    """One key of a record: how its value is checked, and whether it must be there.

    `link` marks a key that names other records: "any" for any id (BC009), or the name of
    the one kind whose ids it may hold (BC008 for a statistic's category).
    """

    name: str
    check: Check
    required: bool = True
    link: str | None = None
    about: str = ""  # what the value means, where its name and type don't say (JSON Schema)


def type_name(value: object) -> str:
    return {bool: "boolean", int: "integer", float: "number", str: "string", list: "array",
            dict: "table"}.get(type(value), type(value).__name__)


def shown_value(value: Any) -> str:
    """A value as a problem quotes it: short, however large or deeply nested it is."""
    import reprlib

    quoted = reprlib.Repr()
    quoted.maxlevel, quoted.maxstring, quoted.maxother, quoted.maxlong = 3, 60, 60, 40
    return quoted.repr(value)


def _wrong(value: Any, key: str, report: Report, expected: str) -> _Invalid:
    report("BC005", f"expected {expected}, got {type_name(value)} {shown_value(value)}", key)
    return INVALID


def string(value: Any, key: str, report: Report) -> Any:
    """Plain text in one language (a name as the article gives it)."""
    if not isinstance(value, str):
        return _wrong(value, key, report, "a string")
    if not value.strip():
        report("BC011", "must not be blank", key)
        return INVALID
    return value


def record_id(value: Any, key: str, report: Report) -> Any:
    """An id; whether it has the kind's prefix is checked with the record (BC006)."""
    return string(value, key, report)


def slug(value: Any, key: str, report: Report) -> Any:
    """A plain kebab-case id with no kind prefix, like a category's 'seizures'."""
    checked = string(value, key, report)
    if checked is not INVALID and not SLUG_PATTERN.match(checked):
        report("BC006", "a category id is lowercase kebab-case, like 'seizures'", key)
        return INVALID
    return checked


def text(value: Any, key: str, report: Report) -> Any:
    """Prose as a table of languages: `answer.en = "..."`."""
    if isinstance(value, str):
        report("BC005", f"text is a table of languages: write '{key}.en = \"...\"'", key)
        return INVALID
    if not isinstance(value, dict):
        report("BC005", f"expected a table of languages, got {type_name(value)}", key)
        return INVALID
    for language, words in value.items():
        if language not in LANGUAGES:
            report("BC011", f"unknown language '{language}' (known: {', '.join(LANGUAGES)})",
                   f"{key}.{language}")
        elif not isinstance(words, str):
            report("BC005", f"expected a string, got {type_name(words)}", f"{key}.{language}")
        elif not words.strip():
            report("BC011", "must not be blank", f"{key}.{language}")
    if "en" not in value:
        report("BC011", "English text is required", f"{key}.en")
        return INVALID
    spanish = value.get("es")
    _parity(value, key, report)
    # Positional: built once per text of every record a first run reads (160,000 at scale).
    return Text(value["en"], spanish if isinstance(spanish, str) else None)


def placeholder(words: str) -> bool:
    """Whether text stands in for a translation not written yet ("TODO", "...", "xxx")."""
    return bool(PLACEHOLDER_PATTERN.match(words.strip()))


def _parity(value: dict[str, Any], key: str, report: Report) -> None:
    """BC017 within one text: no language holds a placeholder, and a translation of
    COPY_WORDS words or more is not the English again. (A text without its Spanish is
    checked only for complete corpora, like the bundled one: see validate.untranslated.)"""
    written = {language: words.strip() for language, words in value.items()
               if language in LANGUAGES and isinstance(words, str) and words.strip()}
    for language, words in written.items():
        if placeholder(words):
            report("BC017", f"{words[:20]!r} is a placeholder, not text", f"{key}.{language}")
    english, spanish = written.get("en"), written.get("es")
    if (english is not None and english == spanish and len(english.split()) >= COPY_WORDS
            and not placeholder(english)):
        report("BC017", "is a copy of the English: translate it (or leave it out to show "
               "the English)", f"{key}.es")


def _integer(value: Any, key: str, report: Report) -> Any:
    if isinstance(value, bool) or not isinstance(value, int):
        return _wrong(value, key, report, "an integer")
    return value


def boolean(value: Any, key: str, report: Report) -> Any:
    """true or false (a flag: `ongoing = true`)."""
    if not isinstance(value, bool):
        return _wrong(value, key, report, "true or false")
    return value


def positive(value: Any, key: str, report: Report) -> Any:
    """A whole number from 1 to MAX_NUMBER (a pillar's number)."""
    checked = _integer(value, key, report)
    if checked is not INVALID and not 1 <= checked <= MAX_NUMBER:
        report("BC010", f"must be a whole number from 1 to {MAX_NUMBER}, got "
               f"{shown_value(checked)}", key)
        return INVALID
    return checked


def year(value: Any, key: str, report: Report) -> Any:
    checked = _integer(value, key, report)
    if checked is not INVALID and not YEAR_RANGE[0] <= checked <= YEAR_RANGE[1]:
        report("BC010", f"year {shown_value(checked)} is outside "
               f"{YEAR_RANGE[0]}–{YEAR_RANGE[1]}", key)
        return INVALID
    return checked


def number(value: Any, key: str, report: Report) -> Any:
    """A plain number from 0 to MAX_FIGURE: 3.9 million is 3900000."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return _wrong(value, key, report, "a plain number (3.9 million is 3900000)")
    # NaN fails every comparison, so it fails this one too; so do infinities and huge ints.
    if not 0 <= value <= MAX_FIGURE:
        report("BC010", f"must be a number from 0 to {MAX_FIGURE:,} (a thousand trillion), "
               f"got {shown_value(value)}", key)
        return INVALID
    return float(value)


def ids(value: Any, key: str, report: Report) -> Any:
    """An array of record ids (links)."""
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return _wrong(value, key, report, "an array of id strings")
    return tuple(value)


class OneOf:
    """A string from a fixed set (a unit, a qualifier); `choices` says which, for the schemas."""

    __slots__ = ("choices",)

    def __init__(self, choices: Sequence[str]) -> None:
        self.choices = tuple(choices)

    def __call__(self, value: Any, key: str, report: Report) -> Any:
        if not isinstance(value, str):
            return _wrong(value, key, report, "a string")
        if value not in self.choices:
            report("BC010", f"{value!r} is not one of: {', '.join(self.choices)}", key)
            return INVALID
        return value


def one_of(choices: Sequence[str]) -> Check:
    """A string from a fixed set (a unit, a qualifier)."""
    return OneOf(choices)
