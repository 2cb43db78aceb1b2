"""Writing output that survives anything: any stdout encoding, a closed pipe, a full disk.

JSON and plain text for machines, and `say` for one-line messages on stderr. Free of Typer
and Rich, so even the `--version` fast path goes through it.
"""

from __future__ import annotations

import codecs
import errno
import io
import json
import os
import re
import sys
from collections.abc import Mapping
from typing import IO, Any

PROG = "binatsec"


def encodes_unicode(stream: IO[str]) -> bool:
    """Whether `stream` can carry any character (UTF-8/16/32), not just ASCII or Latin-1."""
    encoding = getattr(stream, "encoding", None) or "ascii"
    try:
        return codecs.lookup(encoding).name.startswith("utf")
    except LookupError:
        return False


# json.dumps escapes C0 controls but writes DEL and the C1 range (U+007F-U+009F) raw, and a
# raw U+009B is a CSI that some UTF-8 terminals obey. Outside strings JSON is plain ASCII, so
# these can only sit inside strings, where \u escapes mean exactly the same text.
_RAW_CONTROL = re.compile("[\x7f-\x9f]")
# Controls that a text document (CSV, Markdown) has no use for; newline and tab are kept.
_TEXT_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def tolerate_unencodable(stream: IO[str]) -> None:
    """Let a stream that can't carry every character (ASCII, Latin-1) write '?' instead of
    raising UnicodeEncodeError, for output binatsec does not write itself (--help, Typer)."""
    if not encodes_unicode(stream) and isinstance(stream, io.TextIOWrapper):
        stream.reconfigure(errors="replace")


def json_text(document: Mapping[str, Any], ascii_only: bool = False) -> str:
    """A JSON document with every control character escaped, so it can't drive a terminal."""
    text = json.dumps(document, ensure_ascii=ascii_only, indent=2)
    return _RAW_CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def write_json(document: Mapping[str, Any], stream: IO[str] | None = None) -> None:
    """One JSON document; non-ASCII is escaped (\\uXXXX) when the stream can't encode it."""
    out = stream or sys.stdout
    out.write(json_text(document, ascii_only=not encodes_unicode(out)) + "\n")


def printable(text: str) -> str:
    """`text` without terminal control characters (ESC, BEL, CR, C1); newlines and tabs kept."""
    return _TEXT_CONTROL.sub("", text)


def write_text(text: str, stream: IO[str] | None = None) -> None:
    """Text (CSV, Markdown) without control characters, and with characters the stream can't
    encode replaced: a document printed to a terminal must not be able to drive it."""
    out = stream or sys.stdout
    tolerate_unencodable(out)
    out.write(printable(text))


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def say(message: str) -> None:
    """One line on stderr, prefixed with the program name; never fails.

    Control characters (from a user's query or file) are shown escaped, so a message can
    neither drive the terminal nor break into several lines.
    """
    safe = _CONTROL.sub(lambda m: repr(m.group())[1:-1], message)
    if sys.stderr is None:  # started with stderr closed (2>&-): nobody to tell
        return
    try:
        if not encodes_unicode(sys.stderr) and hasattr(sys.stderr, "reconfigure"):
            sys.stderr.reconfigure(errors="backslashreplace")
        sys.stderr.write(f"{PROG}: {safe}\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def silence_stdout() -> None:
    """Point stdout at /dev/null so Python's exit-time flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def output_failed(error: OSError) -> int | None:
    """The exit code for a failed write to stdout, after saying why; None if it wasn't one."""
    if isinstance(error, BrokenPipeError):
        # The reader went away (| head): nothing more to say, and nobody to say it to.
        silence_stdout()
        return 0
    if error.errno in (errno.ENOSPC, errno.EIO, errno.EFBIG, errno.EDQUOT):
        silence_stdout()
        say(f"error: cannot write output: {error.strerror}")
        return 1
    return None


def write_and_flush(text: str) -> int:
    """Write `text` to stdout now; the exit code: 0, or 1 when it could not be written."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except OSError as error:
        code = output_failed(error)
        if code is None:
            raise
        return code
    return 0
