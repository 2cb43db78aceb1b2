"""Part of a large job done by a forked process beside this one.

What grows with a large content folder holds one core: parsing its TOML (a first run) and
writing its exports. On Linux with two cores or more each is split in two: a forked child
does one part while this process does the other. The child writes what it made to an
unlinked temporary file, read back here (the second half of the TOML files' tables, or of
a JSON export; the other language's HTML article), or to files of its own that this
process then copies in (the SQLite file's record tables, the Anki package's other decks).
Anything wrong with the child (it could not start, failed, was killed) and `output` says
so: the caller does that part itself, by the same steps, so the result never depends on
the child, only the time does.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import IO, TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    import signal

# From this many records (an export's, or the items a document streams) a job is split:
# below it, forking costs more than it saves (70,000 records take 1.8 s to make into JSON
# on one core).
RECORDS_TO_SPLIT = 20_000


def available() -> bool:
    """Whether work may be split: Linux (forking where system libraries may hold locks,
    as on macOS, is not safe) with a second core to run on."""
    return sys.platform == "linux" and len(os.sched_getaffinity(0)) > 1


def worth_splitting(records: int) -> bool:
    """Whether a job over `records` records is split: from RECORDS_TO_SPLIT, where it
    can be (`available`)."""
    return records >= RECORDS_TO_SPLIT and available()


class Child:
    """A forked process running `work(file)`; `output()` is that file once it has finished
    well, `end()` stops it if it is still running and lets the file go."""

    def __init__(self, work: Callable[[IO[bytes]], None]) -> None:
        import signal
        import tempfile

        self._pid = 0
        self._file: IO[bytes] | None = None
        # Ctrl-C is held back while forking: a child that got it before ignoring it would
        # raise KeyboardInterrupt in its copy of this process and end as this one does.
        held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        pid = -1
        try:
            self._file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by end()
            pid = os.fork()
        except OSError:
            return  # no file or no process: output() is None, and the caller does it all
        finally:
            if pid != 0:
                signal.pthread_sigmask(signal.SIG_SETMASK, held)
        self._pid = pid
        if pid == 0:
            self._run(work, self._file, held)

    @staticmethod
    def _run(work: Callable[[IO[bytes]], None], file: IO[bytes],
             held: set[int | signal.Signals]) -> NoReturn:
        """The child's whole life: do the work, then leave without running anything of the
        parent's (no atexit handlers, no flushing of the parent's buffered output)."""
        import signal

        code = 1
        try:
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
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

    def succeeded(self) -> bool:
        """Whether the child finished well, once it has: for work that writes files of its
        own rather than the one it is given (which is then left empty)."""
        return self.output() is not None

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


def writing_text(make: Callable[[], Iterable[str]]) -> Child:
    """A child that writes the text `make()` gives, as UTF-8, for `text_of` to read back."""
    return Child(lambda out: out.writelines(piece.encode("utf-8") for piece in make()))


def text_of(child: Child | None, otherwise: Callable[[], Iterator[str]]) -> Iterator[str]:
    """What `child` wrote, as UTF-8 text read a piece at a time; with no child, or one that
    failed, `otherwise()` (the same text, made here)."""
    import codecs

    written = child.output() if child is not None else None
    if written is None:
        yield from otherwise()
        return
    decoder = codecs.getincrementaldecoder("utf-8")()
    while chunk := written.read(_PIECE):
        yield decoder.decode(chunk)
    yield decoder.decode(b"", final=True)


_PIECE = 1 << 20  # the bytes of a child's output read at a time
