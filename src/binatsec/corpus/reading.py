"""Reading one content file safely, and pointing at its lines.

Refuses links, non-files and oversized files without blocking or reading past the limit;
decodes strictly; refuses keys too deep for the parser before it sees them; turns a TOML
syntax error into a problem at the line and column where the mistake is (not where the
parser gave up). Nothing here knows what a record is.
"""

from __future__ import annotations

import re
import sys
from functools import cache, cached_property
from pathlib import Path
from types import ModuleType
from typing import IO, TYPE_CHECKING, Any

from binatsec.corpus.spec import MAX_FILE_BYTES, MAX_KEY_PARTS

if TYPE_CHECKING:  # importing importlib.resources costs start-up time on every run
    from collections.abc import Generator, Sequence
    from importlib.resources.abc import Traversable

    from binatsec.corpus.problems import Problem

_TABLE_HEADER = re.compile(r"\s*\[\[\s*([^\]\s]+)\s*\]\]")
_KEY = re.compile(r"\s*([A-Za-z0-9_-]+)\s*[.=]")

# One part of a dotted key: bare, "basic" or 'literal' (a TOML key never spans lines).
_PART = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\\n]|\\.)*"|'[^'\n]*')"""
# A key of more than MAX_KEY_PARTS parts.
_DEEP_KEY = rf"[ \t]*(?P<key>{_PART}(?:[ \t]*\.[ \t]*{_PART}){{{MAX_KEY_PARTS}}})"
# The quick look, all in C: wherever a key could start (a line, `[`, `{`, `,`), even inside
# a string. Starting with a character class lets the engine skip to candidates quickly.
_DEEP_AT_START = re.compile(_DEEP_KEY)
_MAYBE_DEEP = re.compile(rf"[\n\[{{,]{_DEEP_KEY}")
# The exact look, only when the quick one found something: strings and comments are taken
# whole, so text that merely looks like a key ("see a.b.c, d.e.f") is never one.
_TOKEN = re.compile(
    rf"(?P<deep>{_DEEP_KEY})"
    r'|"""(?:[^"\\]|\\[\s\S]|"{1,2}(?!"))*"{3,5}'  # multi-line strings, up to 2 quotes
    r"|'''(?:[^']|'{1,2}(?!'))*'{3,5}"  # before the closing three
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'[^'\n]*'"
    r"|#[^\n]*"
    r"""|[^"'#\[{,\n]+|[\[{,\n]"""  # the rest, cut where a key may start
    r"""|(?P<unclosed>["'])""")


class ContentFile:
    """A parsed file, with its bytes kept to find where a record or key sits.

    The positions of every table header are found in one pass, on the first problem only,
    so locating 20,000 problems costs one scan of the file, not 20,000. The text is decoded
    again only then: valid content never needs it, and a first run over 46 MB would hold
    it twice (as bytes, and as text) for nothing.
    """

    def __init__(self, label: str, raw: bytes, data: dict[str, Any]) -> None:
        self.label = label
        self.raw = raw
        self.data = data

    @cached_property
    def _lines(self) -> list[str]:
        return self.raw.decode("utf-8").splitlines()

    @cached_property
    def _headers(self) -> dict[str, list[int]]:
        found: dict[str, list[int]] = {}
        for number, line in enumerate(self._lines):
            match = _TABLE_HEADER.match(line)
            if match:
                found.setdefault(match.group(1), []).append(number)
        return found

    def line_of(self, table: str, index: int, key: str | None = None) -> int | None:
        """The 1-based line of the `index`th [[table]], or of `key` inside it."""
        starts = self._headers.get(table, [])
        if index >= len(starts):
            return None
        start = starts[index]
        if key is None:
            return start + 1
        wanted = key.split(".")[0]
        lines = self._lines
        first: int | None = None  # the first line of the key's table ("answer" of answer.es)
        for number in range(start + 1, len(lines)):
            line = lines[number].lstrip()
            if line.startswith("["):
                break
            match = _KEY.match(lines[number])
            if match and match.group(1) == wanted:
                if "." not in key or (line[len(key):].lstrip().startswith("=") and \
                        line.startswith(key)):
                    return number + 1  # the dotted key itself, where it is written so
                first = number + 1 if first is None else first
        return first if first is not None else start + 1


def read_bytes(entry: Traversable, label: str, problems: list[Problem]) -> bytes | None:
    """The file's bytes, or None after saying why it cannot be used (BC012)."""
    from binatsec.corpus.problems import Problem  # only a problem needs it

    raw, reason = _read(entry)
    if reason is not None:
        problems.append(Problem("BC012", label, reason))
        return None
    return raw


def _read(entry: Traversable) -> tuple[bytes, str | None]:
    """The bytes of a content file, or why it is refused."""
    too_large = "is larger than 16 MB; refusing to read"
    try:
        if not isinstance(entry, Path):  # inside an archive (a zipped wheel): no FIFO, no link
            with entry.open("rb") as stream:
                raw: bytes = stream.read(MAX_FILE_BYTES + 1)
            return (raw, None) if len(raw) <= MAX_FILE_BYTES else (b"", too_large)
        from binatsec.fileio import FileTooLarge, NotRegularFile, read_regular_file

        if entry.is_symlink():
            return b"", "is a symbolic link; refusing to follow"
        try:
            # Type and size are checked on the open file, so a file swapped in after the
            # check above is still never waited on nor read past the limit.
            return read_regular_file(entry, MAX_FILE_BYTES), None
        except FileNotFoundError:
            return b"", "is missing"
        except NotRegularFile:
            return b"", "is not a regular file"
        except FileTooLarge:
            return b"", too_large
    except OSError as error:
        return b"", f"cannot be read: {error.strerror or error}"


def deep_key(text: str) -> tuple[int, int] | None:
    """Where (line, column) a key of more than MAX_KEY_PARTS dotted parts starts, if any.

    tomllib's time grows with the square of a key's parts (5 s for 20,000, minutes for
    200,000), so such a key is found without it, in time linear in the text.
    """
    if text.count(".") < MAX_KEY_PARTS or not (_DEEP_AT_START.match(text)
                                               or _MAYBE_DEEP.search(text)):
        return None
    for token in _TOKEN.finditer(text):
        if token.lastgroup == "unclosed":
            return None  # a string never closed: the parser refuses that at once, and where
        if token.lastgroup == "deep":
            start = token.start("key")
            return text.count("\n", 0, start) + 1, start - text.rfind("\n", 0, start)
    return None


# tomli 2.4 and later read TOML 1.1, which tomllib (until Python 3.15) refuses: content one
# install accepted would fail on another. Older tomli is TOML 1.0, as tomllib; from 2.2 its
# wheels are compiled, and only those (the `fast` extra's) are worth taking over tomllib.
_TOML_1_1 = (2, 4)
_FAST = (2, 2)


@cache
def toml_parser() -> ModuleType:
    """The TOML 1.0 parser: tomli when the `fast` extra installed it (its wheels are compiled
    with mypyc, about twice as fast as tomllib, which is the same parser in pure Python),
    else tomllib; tomli before Python 3.11. Imported only when content must be parsed: a
    run whose content is unchanged reads the validated bundle instead."""
    try:
        import tomli
    except ImportError:  # the default install on Python 3.11+
        pass
    else:
        if sys.version_info < (3, 11) or _FAST <= _version(tomli) < _TOML_1_1:
            return tomli
    import tomllib

    return tomllib


def _version(module: ModuleType) -> tuple[int, ...]:
    parts = re.findall(r"\d+", str(getattr(module, "__version__", "")))[:2]
    return tuple(map(int, parts)) or (0,)


def parse(raw: bytes, label: str, problems: list[Problem]) -> ContentFile | None:
    """The TOML in `raw`, or None after saying what is wrong with it (BC001)."""
    from binatsec.corpus.problems import Problem

    tomllib = toml_parser()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        problems.append(Problem("BC001", label, f"is not UTF-8 text (byte {error.start})"))
        return None
    deep = deep_key(text)
    if deep is not None:
        problems.append(Problem("BC014", label, f"a key of more than {MAX_KEY_PARTS} dotted "
                                "parts; content keys have two (answer.en), and the TOML parser "
                                "would take minutes over a deep one", line=deep[0],
                                column=deep[1]))
        return None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        problems.append(syntax_problem(label, text, error))
        return None
    except RecursionError:
        problems.append(Problem("BC001", label, "TOML nested too deeply to read (arrays or "
                                "tables inside each other hundreds of levels deep)"))
        return None
    except ValueError as error:  # an integer past Python's 4,300-digit limit, and the like
        problems.append(Problem("BC001", label, f"TOML value that cannot be read: "
                                f"{str(error).split(';')[0][:120]}"))
        return None
    return ContentFile(label, raw, data)


Parsed = tuple["ContentFile | None", "list[Problem]"]

# Below this many bytes of TOML in all, one process parses everything: a second one costs a
# fork and the parsed data's trip back (some 0.3 s for 20 MB), for a few milliseconds' work
# (the bundled content is 100 kB).
PARALLEL_BYTES = 4 * 2**20


def parse_each(files: Sequence[tuple[bytes, str]]) -> Generator[Parsed, None, None]:
    """Each (raw, label) parsed (see parse), with the problems each has, in order, each
    made (or read back) when asked for, so a caller done with one lets it go.

    Parsing is most of what a first run over a large folder costs (3 s of 5 for 46 MB) and
    holds one core: a large set is split in two by size, and a forked process parses one
    half while this one parses the other (binatsec.forked), then sends each file's data and
    problems back pickled, one after another, read here in turn. The result is the same
    either way (the text stays here, in the bytes).
    """
    from binatsec import forked

    if sum(len(raw) for raw, _ in files) < PARALLEL_BYTES or not forked.available():
        for raw, label in files:
            yield _alone(raw, label)
        return
    import pickle

    theirs, mine = _halves([len(raw) for raw, _ in files])
    theirs.sort()

    def parse_theirs(out: IO[bytes]) -> None:
        for n in theirs:
            parsed, problems = _alone(*files[n])
            pickle.dump((parsed.data if parsed is not None else None, problems), out,
                        protocol=pickle.HIGHEST_PROTOCOL)

    child = forked.Child(parse_theirs)
    try:
        found: dict[int, Parsed] = {n: _alone(*files[n]) for n in mine}
        sent = child.output()
        for n, (raw, label) in enumerate(files):
            if n in found:
                yield found.pop(n)
                continue
            if sent is not None:
                try:
                    data, problems = pickle.load(sent)
                except Exception:  # what the child wrote is not whole: parse the rest here
                    sent = None
                else:
                    yield (None if data is None else ContentFile(label, raw, data)), problems
                    continue
            yield _alone(raw, label)  # the child failed: its files are parsed here
    finally:
        child.end()


def _alone(raw: bytes, label: str) -> Parsed:
    problems: list[Problem] = []
    return parse(raw, label, problems), problems


def _halves(sizes: Sequence[int]) -> tuple[list[int], list[int]]:
    """The positions split in two of about equal size, largest first to the lighter half."""
    halves: tuple[list[int], list[int]] = ([], [])
    weights = [0, 0]
    for n in sorted(range(len(sizes)), key=lambda n: -sizes[n]):
        lighter = 0 if weights[0] <= weights[1] else 1
        halves[lighter].append(n)
        weights[lighter] += sizes[n]
    return halves


def syntax_problem(label: str, text: str, error: Exception) -> Problem:
    from binatsec.corpus.problems import Problem

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
