"""Long output for people through a pager, as git does it.

The terminal view draws on a Rich console as always; when a run pages, that console writes
into a string (`capture`: the same width, colour and encoding as the terminal), and `show`
then prints the text itself when it fits on one screen, or pipes it to the pager
(`Environment.pager`: $BINATSEC_PAGER, $PAGER or `less -R`, with LESS=FRX when LESS is
unset). A pager that cannot be started means the text is printed directly. Imported only
when a run pages, so other runs never load subprocess.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
from typing import IO

from binatsec.environment import Environment

# What less does when the user has not said (git's defaults): quit when the text fits on one
# screen (F), pass colour codes through (R), and leave the text on the screen (X).
LESS_DEFAULTS = "FRX"
# A pager command with any of these is run by the shell (as git does); others are run directly.
SHELL_SYNTAX = re.compile(r"[|&;<>()$`\\\"'*?\[\]#~=%{}\n]")
_ESCAPE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]")
_NOT_STARTED = (126, 127)  # the shell could not find or run the pager


class Captured(io.StringIO):
    """The text a run writes for people, kept to be paged; it reports the encoding of the
    terminal it stands in for, so Rich draws the same characters it would draw there."""

    def __init__(self, encoding: str) -> None:
        super().__init__()
        self._encoding = encoding

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self._encoding


def capture(env: Environment) -> tuple[Environment, Captured]:
    """An environment that draws as `env` does (width, colour, encoding) into a string."""
    captured = Captured(_encoding(env.stdout))
    return env._replace(stdout=captured, pager="", height=0), captured


def show(text: str, env: Environment, page: bool = True) -> None:
    """Write `text` on `env`'s stdout: through the pager when it is longer than one screen
    (and `page`), else, or when the pager can't be started, directly."""
    out = env.stdout
    if not text or out is None:
        return
    if page and env.pager and not fits(text, env.width, env.height):
        out.flush()
        if run_pager(env.pager, text, _encoding(out)):
            return
    out.write(text)


def fits(text: str, width: int, height: int) -> bool:
    """Whether `text` fits on one screen of `height` lines, leaving one for the prompt. A long
    line takes as many lines as the terminal wraps it into; an unknown height never fits."""
    if height <= 1:
        return False
    lines = 0
    for line in _ESCAPE.sub("", text).splitlines():
        lines += max(1, -(-len(line) // max(1, width)))
        if lines >= height:
            return False
    return True


def run_pager(command: str, text: str, encoding: str = "utf-8") -> bool:
    """Pipe `text` to the pager `command` and wait for it to end; False if it never started.

    Ctrl-C belongs to the pager while it runs (less uses it to stop a search), and a pager
    that is quit before reading everything (q in less) is not an error.
    """
    import shlex
    import signal
    import subprocess

    environ = dict(os.environ)
    if "LESS" not in environ:
        environ["LESS"] = LESS_DEFAULTS
    environ.setdefault("LV", "-c")  # lv, a pager some systems set, passes colour with -c
    try:
        argv = None if SHELL_SYNTAX.search(command) else shlex.split(command)
    except ValueError:
        argv = None
    try:
        pager = subprocess.Popen(argv if argv else command, shell=not argv,
                                 stdin=subprocess.PIPE, env=environ)
    except OSError:
        return False
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread: leave signals alone
        previous = None
    try:
        stdin: IO[bytes] | None = pager.stdin
        if stdin is not None:
            # BrokenPipeError: the pager was quit before it read everything.
            with contextlib.suppress(OSError):
                stdin.write(text.encode(encoding, "replace"))
            with contextlib.suppress(OSError):
                stdin.close()
        pager.wait()
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    return argv is not None or pager.returncode not in _NOT_STARTED


def _encoding(stream: object) -> str:
    return getattr(stream, "encoding", None) or "utf-8"
