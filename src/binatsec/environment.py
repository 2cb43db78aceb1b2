"""The facts of one run, decided once and passed down (after httpie's Environment).

Which streams are terminals, whether stdout can carry any character, whether to use colour
(NO_COLOR, FORCE_COLOR, TERM=dumb, a terminal or not), how wide to draw, which pager long
output goes through (BINATSEC_PAGER, PAGER, less) on a screen how tall, the language asked
for (BINATSEC_LANG, else the locale: LC_ALL, LC_MESSAGES, LANG), and the folders binatsec
keeps files in (BINATSEC_CACHE_DIR, BINATSEC_DATA_DIR). Tests build their own
`Environment` (or `Environment.detect(environ)`) instead of patching globals.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

from binatsec.frozen import Frozen

MIN_WIDTH = 20
MAX_WIDTH = 1000
DEFAULT_WIDTH = 80
DEFAULT_HEIGHT = 24
PAGER_ENV = "BINATSEC_PAGER"
DEFAULT_PAGER = "less -R"
CACHE_DIR_ENV = "BINATSEC_CACHE_DIR"
DATA_DIR_ENV = "BINATSEC_DATA_DIR"
LANG_ENV = "BINATSEC_LANG"
# The locale's variables, in the order POSIX reads them for the language of messages.
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")
# What the folders are worked out from; a run keeps these and nothing else of its environ.
FOLDER_VARIABLES = (CACHE_DIR_ENV, DATA_DIR_ENV, "XDG_CACHE_HOME", "HOME")


def is_terminal(stream: Any) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (ValueError, OSError):  # a closed stream
        return False


def encodes_unicode(stream: Any) -> bool:
    """Whether `stream` can carry any character (UTF-8/16/32), not just ASCII or Latin-1."""
    encoding = getattr(stream, "encoding", None) or "ascii"
    try:
        return codecs.lookup(encoding).name.startswith("utf")
    except LookupError:
        return False


def clamp_width(value: int) -> int:
    return max(MIN_WIDTH, min(MAX_WIDTH, value))


def _columns(environ: Mapping[str, str], stream: Any) -> int:
    """COLUMNS when it is a sane number, else the terminal's width, else 80; then clamped."""
    configured = environ.get("COLUMNS", "").strip()
    if configured.isascii() and configured.isdigit():
        # A number too long to be a width is simply very wide; never parse thousands of digits.
        return MAX_WIDTH if len(configured) > 7 else clamp_width(int(configured))
    if is_terminal(stream):
        try:
            return clamp_width(os.get_terminal_size(stream.fileno()).columns or DEFAULT_WIDTH)
        except (OSError, ValueError, AttributeError):
            import shutil  # rare (a terminal without a size): not worth its import each run

            return clamp_width(shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns)
    return DEFAULT_WIDTH


def wants_colour(environ: Mapping[str, str], stdout_is_terminal: bool) -> bool:
    """Colour and styles only for a terminal, and never with NO_COLOR or TERM=dumb."""
    if environ.get("NO_COLOR") or environ.get("TERM") == "dumb":
        return False
    if environ.get("FORCE_COLOR"):
        return True
    return stdout_is_terminal


def pager_command(environ: Mapping[str, str], stdout_is_terminal: bool) -> str:
    """The pager long output for people goes through, chosen as git chooses one; "" for none.

    Only when stdout is a terminal that can run one (not TERM=dumb). $BINATSEC_PAGER when it
    is set, else $PAGER, else `less -R`; set but empty (or `cat`) means no pager at all.
    """
    if not stdout_is_terminal or environ.get("TERM") == "dumb":
        return ""
    for name in (PAGER_ENV, "PAGER"):
        if name in environ:
            chosen = environ[name].strip()
            break
    else:
        chosen = DEFAULT_PAGER
    return "" if chosen in ("", "cat") else chosen


def asked_language(environ: Mapping[str, str]) -> tuple[str, str]:
    """The language this run is asked for before any --lang, and where that came from:
    $BINATSEC_LANG as given (checked by the session: it may name no language), else "es"
    when the locale is Spanish (the first of LC_ALL, LC_MESSAGES, LANG that is set and not
    C or POSIX: "es", "es_MX.UTF-8", "es-MX"), else "en"."""
    configured = environ.get(LANG_ENV, "").strip()
    if configured:
        return configured, LANG_ENV
    for name in LOCALE_VARIABLES:
        value = environ.get(name, "").strip()
        if not value or value in ("C", "POSIX") or value.startswith(("C.", "POSIX.")):
            continue
        base = value.split(".", 1)[0].split("@", 1)[0].replace("-", "_").lower()
        return ("es" if base == "es" or base.startswith("es_") else "en"), name
    return "en", ""


def _rows(environ: Mapping[str, str], stream: Any) -> int:
    """LINES when it is a sane number, else the terminal's height, else 24: how many lines
    fit on one screen, so that output that fits is printed without a pager."""
    configured = environ.get("LINES", "").strip()
    if configured.isascii() and configured.isdigit() and len(configured) <= 7:
        return max(1, int(configured))
    try:
        return os.get_terminal_size(stream.fileno()).lines or DEFAULT_HEIGHT
    except (OSError, ValueError, AttributeError):
        return DEFAULT_HEIGHT


def _tolerant(stream: IO[str] | None, errors: str) -> None:
    """Let a stream that can't carry every character (ASCII, Latin-1) write a stand-in
    instead of raising UnicodeEncodeError, also for what Typer and click write."""
    if stream is not None and not encodes_unicode(stream) and isinstance(stream, io.TextIOWrapper):
        stream.reconfigure(errors=errors)


def _decoding_never_fails(stream: IO[str] | None) -> None:
    """Read bytes that are not valid text (a binary file piped into a quiz) as U+FFFD: an
    answer that matches nothing, asked again, never a crash."""
    if isinstance(stream, io.TextIOWrapper):
        # Not possible once read from, or closed: then it stays as it was.
        with contextlib.suppress(ValueError, io.UnsupportedOperation):
            stream.reconfigure(errors="replace")


class CacheDirError(ValueError):
    """$BINATSEC_CACHE_DIR names a folder that cannot be used (a usage error)."""


class DataDirError(ValueError):
    """$BINATSEC_DATA_DIR names a folder that cannot be used (a usage error)."""


_UNKNOWN: Any = object()


class Folders:
    """Where binatsec keeps files: validated corpora (`cache`) and the user's data, the quiz
    history (`data`). Each is worked out from the run's variables when first asked for (most
    runs need one at most), then kept; one that cannot be used raises each time it is asked.

    `platform` False (a test's hand-made Environment): only the BINATSEC_* variables count,
    so nothing falls back to the real user's folders: no cache, and no data folder.
    """

    __slots__ = ("_cache", "_data", "_environ", "_platform")

    def __init__(self, environ: Mapping[str, str], platform: bool = True) -> None:
        self._environ = {name: environ[name] for name in FOLDER_VARIABLES if name in environ}
        self._platform = platform
        self._cache: Path | None = _UNKNOWN
        self._data: Path = _UNKNOWN

    def __repr__(self) -> str:
        return f"Folders({self._environ!r}, platform={self._platform})"

    def _configured(self, name: str, error: type[ValueError]) -> Path | None:
        value = self._environ.get(name, "").strip()
        if not value:
            return None
        try:
            return Path(value).expanduser()
        except RuntimeError as failure:  # "Could not determine home directory."
            raise error(f"{name} '{value}' cannot be used: {failure}") from None

    def cache(self) -> Path | None:
        """Where validated corpora are kept: $BINATSEC_CACHE_DIR, else the user cache folder
        (None if there is no home folder to put it in). Raises CacheDirError if
        $BINATSEC_CACHE_DIR cannot be used (~user for no such user)."""
        if self._cache is _UNKNOWN:
            self._cache = self._configured(CACHE_DIR_ENV, CacheDirError) or (
                self._platform_cache() if self._platform else None)
        return self._cache

    def _platform_cache(self) -> Path | None:
        if sys.platform == "linux":
            # What platformdirs answers on Linux (the XDG base directory spec), without its
            # imports, which every run would pay for; tests/test_bundle.py keeps the two
            # equal. The spec says a relative path in an XDG_* variable is to be ignored.
            xdg = self._environ.get("XDG_CACHE_HOME", "")
            if Path(xdg).is_absolute():
                return Path(xdg) / "binatsec" / "corpus"
            home = self._home()
            return None if home is None else home / ".cache" / "binatsec" / "corpus"
        try:
            from platformdirs import user_cache_dir

            return Path(user_cache_dir("binatsec", appauthor=False)) / "corpus"
        except (ImportError, RuntimeError):  # no home folder it can find
            return None

    def _home(self) -> Path | None:
        """The home folder as platformdirs finds it: $HOME if absolute, else the password
        file's. An empty HOME is not "/" (Path.home()'s answer), nor a relative one the
        working folder."""
        home = self._environ.get("HOME", "")
        if not Path(home).is_absolute():
            try:
                import pwd

                home = pwd.getpwuid(os.getuid()).pw_dir
            except (ImportError, KeyError):  # no password file entry for this user
                return None
        return Path(home) if Path(home).is_absolute() else None

    def data(self) -> Path:
        """Where binatsec keeps user data: $BINATSEC_DATA_DIR, else the platform's data
        folder. Raises DataDirError if $BINATSEC_DATA_DIR cannot be used (~user for no such
        user) or there is no folder at all."""
        if self._data is _UNKNOWN:
            self._data = self._configured(DATA_DIR_ENV, DataDirError) or self._platform_data()
        return self._data

    def _platform_data(self) -> Path:
        if not self._platform:
            raise DataDirError(f"no folder for the quiz history; set {DATA_DIR_ENV}")
        from platformdirs import user_data_dir

        try:
            return Path(user_data_dir("binatsec", appauthor=False))
        except RuntimeError as error:  # no home folder at all: nowhere to keep a history
            raise DataDirError(f"no folder for the quiz history ({error}); set {DATA_DIR_ENV}"
                               ) from None


NO_FOLDERS = Folders({}, platform=False)


class Environment(Frozen):
    stdin: IO[str] | None
    stdout: IO[str] | None  # None when the program was started with stdout closed
    stderr: IO[str] | None
    stdin_is_terminal: bool
    stdout_is_terminal: bool
    unicode: bool  # stdout carries any character
    colour: bool
    width: int
    pager: str = ""  # the command that pages long output for people; "" for none
    height: int = 0  # the terminal's lines, when there is a pager: what fits on one screen
    folders: Folders = NO_FOLDERS  # where files are kept; detect() reads the variables
    language: str = "en"  # asked for by $BINATSEC_LANG or the locale (--lang overrides it)
    language_from: str = ""  # the variable it came from; "" for the default

    @classmethod
    def detect(cls, environ: Mapping[str, str] | None = None) -> Environment:
        """The environment of this process, with its streams made safe to write to."""
        env = os.environ if environ is None else environ
        stdout = sys.stdout
        _tolerant(stdout, "replace")
        _tolerant(sys.stderr, "backslashreplace")
        _decoding_never_fails(sys.stdin)
        stdout_is_terminal = is_terminal(stdout)
        pager = pager_command(env, stdout_is_terminal)
        language, language_from = asked_language(env)
        return cls(stdin=sys.stdin, stdout=stdout, stderr=sys.stderr,
                   stdin_is_terminal=is_terminal(sys.stdin),
                   stdout_is_terminal=stdout_is_terminal,
                   unicode=encodes_unicode(stdout),
                   colour=wants_colour(env, stdout_is_terminal),
                   width=_columns(env, stdout),
                   pager=pager, height=_rows(env, stdout) if pager else 0,
                   folders=Folders(env), language=language, language_from=language_from)
