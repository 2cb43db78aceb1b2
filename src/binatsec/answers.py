"""Answers kept: a read command's whole output, served again without Typer, Click or Rich.

Importing Typer (with its Click) costs more than everything else a JSON answer needs, and
Rich as much again for a table; a reference tool is asked the same questions over and over
(`stats seizures`, `faq merida`). So when the full command line (Typer, the views, Rich)
has answered a read command, its stdout, stderr and exit code are kept under a key made of
everything that could change them: the arguments as given, the interpreter and its flags,
binatsec's own files and each module-path folder's change time (an edit, an install or an
upgrade is a new key), the date, a digest of every file in the content folders in use
(names and bytes, so an edited file is a new key), the terminal facts `Environment.detect`
finds (width, colour, tty, encoding, pager, height, language), and every variable binatsec
or Rich reads. The next run with the same key prints those bytes, in the order they were
written, and ends (`serve`), before anything else is imported; any other run goes the full
way, unchanged.

This is a cache of Rich's (and the JSON view's) own output, never a second renderer: it
cannot drift from what the full path draws, and tests/test_answers.py runs both ways on
generated command lines and environments and compares the bytes. Only the full path
decides what is kept (`Session.keep_answer`): read commands with no side effects, no
randomness (a quiz sheet only with --seed), nothing read from stdin or the history, not
paged, not binary; `schema`, `man` and help; a quiz played from --answers with --seed and
--no-save; exit codes 0 and 1. Shell completion is never served. Nothing here is trusted
more than a file: an entry is bounded, checked by its digest, and removed if damaged.
`BINATSEC_ANSWERS=0` turns keeping and serving off.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast

from binatsec.fileio import blake2b

if TYPE_CHECKING:
    from binatsec.environment import Environment

SWITCH_ENV = "BINATSEC_ANSWERS"
FOLDER = "answers"  # under the validated-content cache folder
MAX_ANSWER_BYTES = 1 * 2**20  # larger output (a whole export) is drawn each time
MAX_ENTRIES = 256  # the least recently used go first
# The content spec's bound on a file (spec.MAX_FILE_BYTES, BC012; a test keeps them equal),
# not imported: the spec's module costs more than a served answer may.
MAX_CONTENT_BYTES = 16 * 1024 * 1024
FORMAT = "a2"  # a2: stdout and stderr in the order written
# Variables that change what a read command prints, besides binatsec's own (BINATSEC_*),
# which are all part of the key: the locale, colour and terminal ones Rich reads, and the
# pager's.
_VARIABLES = ("LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LC_CTYPE", "NO_COLOR",
              "FORCE_COLOR", "TERM", "COLORTERM", "COLUMNS", "LINES", "PAGER", "LESS",
              "TTY_COMPATIBLE", "TTY_INTERACTIVE", "JUPYTER_COLUMNS", "JUPYTER_LINES",
              "HOME", "XDG_CACHE_HOME", "PYTHONIOENCODING", "PYTHONUTF8",
              "UNICODE_VERSION")


def enabled(environ: Mapping[str, str]) -> bool:
    return environ.get(SWITCH_ENV, "1").strip() not in ("0", "off", "no", "false")


def options_of(argv: Sequence[str]) -> list[str]:
    """The words of a command line that can be options: those before any '--'."""
    return list(argv[:argv.index("--")] if "--" in argv else argv)


def last_value(words: Sequence[str], option: str) -> str | None:
    """The value the last `option VALUE` or `option=VALUE` in `words` gives (the one Click
    keeps), read before Click parses the command line; None when it is not there."""
    found = None
    for at, word in enumerate(words):
        if word == option and at + 1 < len(words):
            found = words[at + 1]
        elif word.startswith(option + "="):
            found = word.partition("=")[2]
    return found


def _content_folder(argv: Sequence[str], environ: Mapping[str, str]) -> str:
    """The --content-dir this command line names, else $BINATSEC_CONTENT_DIR: the folder
    whose files the key must cover."""
    from binatsec.corpus.resources import CONTENT_DIR_ENV

    named = last_value(options_of(argv), "--content-dir")
    if named is None:
        return environ.get(CONTENT_DIR_ENV, "")
    return named or "."  # Click makes an empty value Path(""), the current folder


def content_digest(folder: str) -> str | None:
    """A digest of every file in the bundled content folder and in `folder` (names and
    bytes: any change is a new key), without parsing or importing the loader; None when
    something there is not a plain readable file, which the full path reports."""
    from binatsec.corpus.resources import bundled_content
    from binatsec.fileio import read_regular_file

    bundled = bundled_content()
    if not isinstance(bundled, Path):
        return None  # a zipped install: answered the full way
    digest = blake2b()
    for base in (bundled, Path(folder).expanduser() if folder else None):
        if base is None:
            continue
        try:
            paths = sorted(base.iterdir())
        except OSError:
            return None
        digest.update(f"|{base}|".encode("utf-8", "surrogateescape"))
        for path in paths:
            if path.name.startswith(".") or path.name == "__pycache__":
                continue
            try:
                raw = read_regular_file(path, MAX_CONTENT_BYTES)
            except OSError:
                return None
            digest.update(f"|{path.name}|{len(raw)}|".encode("utf-8", "surrogateescape"))
            digest.update(raw)
    return str(digest.hexdigest())


def code_fingerprint() -> tuple[object, ...]:
    """What says which code would draw the answer: every file of binatsec's package and of
    its bundled schemas (name, size, change time: an edited view or catalog), and each
    folder on the module path (its change time moves when a package is installed, upgraded
    or removed there)."""
    from binatsec.corpus.resources import bundled

    facts: list[object] = []
    package = Path(__file__).resolve().parent
    schemas = bundled("schemas")
    folders = [package, *([schemas] if isinstance(schemas, Path) else [])]
    while folders:  # scandir: the file's status comes with its entry, no extra call
        try:
            entries = sorted(os.scandir(folders.pop()), key=lambda entry: entry.name)
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name != "__pycache__":
                    folders.append(Path(entry.path))
                continue
            with contextlib.suppress(OSError):
                status = entry.stat()
                facts.append((entry.path, status.st_size, status.st_mtime_ns))
    for path in sys.path:
        try:
            facts.append((path, Path(path or ".").stat().st_mtime_ns))
        except OSError:
            facts.append((path, None))
    return tuple(facts)


def _stream_facts(stream: IO[str] | None) -> str:
    if stream is None:
        return "closed"
    return f"{getattr(stream, 'encoding', '')}|{getattr(stream, 'errors', '')}"


def key(argv: Sequence[str], environ: Mapping[str, str], env: Environment) -> str | None:
    """The key of this command line in this environment; None when it can't have one (no
    cache folder, content that can't be read)."""
    import time

    from binatsec import __version__
    from binatsec.environment import CacheDirError

    try:
        cache = env.folders.cache()
    except CacheDirError:
        return None
    if cache is None:
        return None
    digest = content_digest(_content_folder(argv, environ))
    if digest is None:
        return None
    # The interpreter and the code as well: its flags, its module path (PYTHONPATH, -I, ...)
    # and what is installed there decide what code runs and so what it prints.
    facts = (FORMAT, __version__, sys.version, sys.executable, sys.flags, code_fingerprint(),
             time.strftime("%Y-%m-%d"),  # the local date, as date.today() gives it
             digest, tuple(argv), env.stdin_is_terminal, env.stdout_is_terminal, env.unicode,
             env.colour, env.width, env.pager, env.height, env.language, env.language_from,
             _stream_facts(env.stdout), _stream_facts(env.stderr), str(cache),
             sorted((name, value) for name, value in environ.items()
                    if name.startswith(("BINATSEC_", "_BINATSEC", "PYTHON", "COMP_"))
                    or name in _VARIABLES))
    return str(blake2b(repr(facts).encode("utf-8", "surrogateescape")).hexdigest())


def _entry(cache: Path, answer_key: str) -> Path:
    return cache / FOLDER / f"{answer_key}.answer"


# --- serving: the fast path, before Typer is imported -------------------------------------------


# The key `serve` made for the command line it found nothing kept for, in this process.
_declined: tuple[tuple[str, ...], str] | None = None


def serve(argv: Sequence[str]) -> int | None:
    """Print the answer kept for this command line and return its exit code; None when
    none is kept (or answers are off), so the full command line runs."""
    environ = os.environ
    if not enabled(environ) or sys.stdout is None:
        return None
    if any(name.startswith("_BINATSEC") for name in environ):
        return None  # shell completion (_BINATSEC_COMPLETE) asks the command line itself
    from binatsec.environment import Environment

    global _declined
    env = Environment.detect(environ)
    answer_key = key(argv, environ, env)
    if answer_key is None:
        return None
    # The full path that runs if nothing is kept keeps its answer under this same key:
    # made once (it reads every content file and walks binatsec's own).
    _declined = (tuple(argv), answer_key)
    entry = _entry(env.folders.cache() or Path(), answer_key)
    found = _read(entry)
    if found is None:
        return None
    code, chunks = found
    return _write(chunks, code)


# An entry: "<digest of the payload> <exit code> <chunks>\n", then the payload, the bytes
# written in order; <chunks> is each write's stream and length ("o120,e48,o9"), "-" for
# none, so stdout and stderr come out interleaved as the full path wrote them.
Chunks = list[tuple[str, bytes]]


def _read(entry: Path) -> tuple[int, Chunks] | None:
    from binatsec.fileio import read_regular_file

    try:
        raw = read_regular_file(entry, MAX_ANSWER_BYTES + 64 * 1024)
    except FileNotFoundError:
        return None
    except OSError:
        _remove(entry)
        return None
    head, newline, payload = raw.partition(b"\n")
    chunks: Chunks = []
    try:
        digest, code_text, table = head.decode("ascii").split(" ")
        code, at = int(code_text), 0
        for item in table.split(",") if table != "-" else ():
            stream, length = item[0], int(item[1:])
            if stream not in "oe" or length < 0:
                raise ValueError(item)
            chunks.append((stream, payload[at:at + length]))
            at += length
    except (ValueError, IndexError):
        code, at, digest = -1, -1, ""
    if (not newline or code not in (0, 1) or at != len(payload)
            or blake2b(payload).hexdigest() != digest):
        _remove(entry)  # damaged: the full path answers, and keeps a good one
        return None
    _touch(entry)
    return code, chunks


def _write(chunks: Chunks, code: int) -> int:
    from binatsec.streams import output_failed

    for stream, data in chunks:
        target = sys.stdout if stream == "o" else sys.stderr
        try:
            target.buffer.write(data)
            target.buffer.flush()
        except OSError as error:
            if stream == "e":
                continue  # nobody reads stderr: the answer on stdout is what matters
            failed = output_failed(error)
            if failed is None:
                raise
            return failed
    return code


def _remove(entry: Path) -> None:
    with contextlib.suppress(OSError):
        entry.unlink()


def _touch(entry: Path) -> None:
    with contextlib.suppress(OSError):
        os.utime(entry)  # recently used: pruning keeps it


# --- keeping: the full path records what it printed ---------------------------------------------


class _Record:
    """What one run writes to stdout and stderr, as bytes, in order; unusable once a write
    failed or it grew too large to keep."""

    def __init__(self) -> None:
        self.chunks: list[tuple[str, bytearray]] = []
        self.size = 0
        self.usable = True

    def add(self, stream: str, data: bytes) -> None:
        if not self.usable:
            return
        self.size += len(data)
        if self.size > MAX_ANSWER_BYTES:  # too large to keep: stop holding it
            self.usable, self.chunks = False, []
        elif self.chunks and self.chunks[-1][0] == stream:
            # Writes in a row to one stream are one chunk: only the order between the two
            # streams matters, and an export writes a piece per record.
            self.chunks[-1][1].extend(data)
        else:
            self.chunks.append((stream, bytearray(data)))


class _BufferTee:
    """The binary stream under a `_Tee` (what Click writes help through): writes go
    through and are recorded too."""

    def __init__(self, buffer: Any, name: str, record: _Record) -> None:
        self._buffer, self._name, self._record = buffer, name, record

    def write(self, data: bytes) -> int:
        try:
            written = self._buffer.write(data)
        except BaseException:
            self._record.usable = False
            raise
        self._record.add(self._name, bytes(data))
        return int(written)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._buffer, name)


class _Tee:
    """A text stream that writes through and adds what it writes, encoded as the stream
    encodes it, to a shared `_Record`."""

    def __init__(self, stream: IO[str], name: str, record: _Record) -> None:
        self._stream, self._name, self._record = stream, name, record
        self._encoding = getattr(stream, "encoding", None) or "utf-8"
        self._errors = getattr(stream, "errors", None) or "strict"

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            # Click's probe, write(b""), asking whether the stream takes bytes: the
            # stream's own answer (TypeError), with nothing written to record.
            return self._stream.write(text)
        try:
            written = self._stream.write(text)
        except BaseException:
            self._record.usable = False
            raise
        try:
            self._record.add(self._name, text.encode(self._encoding, self._errors))
        except UnicodeError:
            self._record.usable = False
        return written

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BaseException:
            self._record.usable = False
            raise

    @property
    def buffer(self) -> Any:
        # Text written before goes out first, as it would have: the record's order holds.
        self._stream.flush()
        buffer = getattr(self._stream, "buffer")  # noqa: B009 - IO[str] does not declare it
        return _BufferTee(buffer, self._name, self._record)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class Recorder:
    """What the full path prints in one run, to keep under its key if the run says so."""

    def __init__(self, argv: Sequence[str], environ: Mapping[str, str], env: Environment):
        self._argv, self._environ, self._env = list(argv), environ, env
        assert env.stdout is not None and env.stderr is not None
        self._record = _Record()
        self._out = _Tee(env.stdout, "o", self._record)
        self._err = _Tee(env.stderr, "e", self._record)
        # A stand-in for each stream: writes go through, and are recorded on the way. The
        # process's own too, for what Click prints itself rather than through env.
        self.env = env._replace(stdout=cast("IO[str]", self._out),
                                stderr=cast("IO[str]", self._err))
        if sys.stdout is env.stdout:
            sys.stdout = cast("IO[str]", self._out)
        if sys.stderr is env.stderr:
            sys.stderr = cast("IO[str]", self._err)

    @classmethod
    def start(cls, argv: Sequence[str], environ: Mapping[str, str],
              env: Environment) -> Recorder | None:
        if not enabled(environ) or env.stdout is None or env.stderr is None:
            return None
        return cls(argv, environ, env)

    def keep(self, code: int, content_dir: Path | None) -> None:
        """Keep what was printed, when the run ended as an answer can (0 or 1), nothing went
        past the record, and the content folder it read is the one the key covers. Never
        fails the run: a cache is only a speed-up."""
        if code not in (0, 1) or not self._record.usable or not self._record.chunks:
            return
        named = _content_folder(self._argv, self._environ)
        keyed = Path(named).expanduser().absolute() if named else None
        used = content_dir.expanduser().absolute() if content_dir is not None else None
        if keyed != used:
            return  # the key would cover other files than the answer was drawn from
        with contextlib.suppress(OSError, ValueError, UnicodeError):
            self._keep(code)

    def _keep(self, code: int) -> None:
        from binatsec.fileio import atomic_write

        if _declined is not None and _declined[0] == tuple(self._argv):
            answer_key: str | None = _declined[1]  # made by `serve` at the start of this run
        else:
            answer_key = key(self._argv, self._environ, self._env)
        cache = self._env.folders.cache()
        if answer_key is None or cache is None:
            return
        encoded = self._record.chunks
        payload = b"".join(data for _, data in encoded)
        if len(payload) > MAX_ANSWER_BYTES:
            return
        table = ",".join(f"{stream}{len(data)}" for stream, data in encoded) or "-"
        head = f"{blake2b(payload).hexdigest()} {code} {table}\n".encode("ascii")
        atomic_write(_entry(cache, answer_key), head + payload)
        _prune(cache / FOLDER)


def _prune(folder: Path) -> None:
    """Remove the least recently used answers beyond MAX_ENTRIES."""
    from binatsec.fileio import prune_least_recent

    prune_least_recent(folder, "*.answer", MAX_ENTRIES)
