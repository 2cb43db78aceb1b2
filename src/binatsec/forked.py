"""Half of a large job done by a forked process beside this one.

Two things grow with a large content folder and hold one core: parsing its TOML (a first
run) and writing its export as JSON. On Linux with two cores or more each is split in two:
a forked child does one half, writing what it made to an unlinked temporary file, while
this process does the other, then reads the child's half back. Anything wrong with the
child (it could not start, failed, was killed) and `output` says so: the caller does that
half itself, so the result never depends on the child, only the time does.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from typing import IO, NoReturn


def available() -> bool:
    """Whether work may be split: Linux (forking where system libraries may hold locks,
    as on macOS, is not safe) with a second core to run on."""
    return sys.platform == "linux" and len(os.sched_getaffinity(0)) > 1


class Child:
    """A forked process running `work(file)`; `output()` is that file once it has finished
    well, `end()` stops it if it is still running and lets the file go."""

    def __init__(self, work: Callable[[IO[bytes]], None]) -> None:
        import tempfile

        self._pid = 0
        self._file: IO[bytes] | None = None
        try:
            self._file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by end()
            self._pid = os.fork()
        except OSError:
            return  # no file or no process: output() is None, and the caller does it all
        if self._pid == 0:
            self._run(work, self._file)

    @staticmethod
    def _run(work: Callable[[IO[bytes]], None], file: IO[bytes]) -> NoReturn:
        """The child's whole life: do the work, then leave without running anything of the
        parent's (no atexit handlers, no flushing of the parent's buffered output)."""
        import signal

        code = 1
        try:
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
            # Off the standard streams, which it never writes: if the parent is killed, a
            # reader of its output (| wc) must not wait for this child to finish its half.
            quiet = os.open(os.devnull, os.O_RDWR)
            for stream in (0, 1, 2):
                os.dup2(quiet, stream)
            work(file)
            file.flush()
            code = 0
        finally:
            os._exit(code)

    def output(self) -> IO[bytes] | None:
        """What the child wrote, from its start, once it has finished; None if it failed."""
        if self._pid <= 0 or self._file is None:
            return None
        try:
            _, status = os.waitpid(self._pid, 0)
        except OSError:
            return None
        # Only now: interrupted while waiting (Ctrl-C), end() must still stop and reap it.
        self._pid = 0
        if os.waitstatus_to_exitcode(status) != 0:
            return None
        self._file.seek(0)  # the child wrote through the same open file, moving its offset
        return self._file

    def end(self) -> None:
        import signal

        if self._pid > 0:
            with contextlib.suppress(OSError):
                os.kill(self._pid, signal.SIGKILL)  # no longer needed (Ctrl-C, a closed pipe)
            with contextlib.suppress(OSError):
                os.waitpid(self._pid, 0)
            self._pid = 0
        if self._file is not None:
            self._file.close()
