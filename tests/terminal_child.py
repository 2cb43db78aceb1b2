"""A program in a real pseudo-terminal, driven with pexpect, started without forking this
process.

pexpect.spawn forks the test process itself (pty.fork). A test process has threads (thread
pools running subprocesses side by side, libraries' own), and forking a process with live
threads can deadlock the child; Python 3.12+ warns about it, and filelock 4 refuses an
os.forkpty while another thread is forking. So every terminal test starts its program
through subprocess (whose fork-and-exec runs in C, with no Python code in the child) with
the pseudo-terminal as its standard streams and controlling terminal, and talks to it
through pexpect's fdspawn. tests/test_imports.py keeps pexpect.spawn out of the tests.
"""

from __future__ import annotations

import fcntl
import os
import signal
import struct
import subprocess
import sys
import termios
from collections.abc import Mapping, Sequence

from pexpect import fdpexpect

# Run in the child before the program: a session of its own, with the terminal on stdin as
# its controlling terminal, so Ctrl-C typed there reaches it as SIGINT; and SIGINT's default
# action back, as in a person's terminal, since a test run started in the background
# (`cmd &` in a script, as .ci/run starts its nox sessions) inherits SIGINT ignored.
_TRAMPOLINE = ("import fcntl, os, signal, sys, termios; os.setsid(); "
               "fcntl.ioctl(0, termios.TIOCSCTTY, 0); "
               "signal.signal(signal.SIGINT, signal.SIG_DFL); "
               "os.execvp(sys.argv[1], sys.argv[1:])")


class TerminalChild(fdpexpect.fdspawn):  # type: ignore[misc]
    """`argv` running in a new pseudo-terminal of `dimensions` (rows, columns)."""

    def __init__(self, argv: Sequence[str], env: Mapping[str, str],
                 dimensions: tuple[int, int] = (24, 80), encoding: str | None = "utf-8",
                 codec_errors: str = "strict", timeout: float = 30) -> None:
        controller, terminal = os.openpty()
        rows, columns = dimensions
        fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-c", _TRAMPOLINE, *argv], stdin=terminal, stdout=terminal,
                stderr=terminal, env=dict(env), close_fds=True)
        finally:
            os.close(terminal)  # the child holds it now: its exit is our end of file
        super().__init__(controller, timeout=timeout, encoding=encoding,
                         codec_errors=codec_errors)
        self.exitstatus: int | None = None
        self.signalstatus: int | None = None

    def _control(self, name: int) -> None:
        character = termios.tcgetattr(self.child_fd)[6][name]  # bytes, whatever our encoding
        os.write(self.child_fd, character)

    def sendintr(self) -> None:
        """Type the terminal's interrupt character (Ctrl-C)."""
        self._control(termios.VINTR)

    def sendeof(self) -> None:
        """Type the terminal's end-of-file character (Ctrl-D)."""
        self._control(termios.VEOF)

    def isalive(self) -> bool:
        return self.process.poll() is None

    def kill(self, sig: int = signal.SIGKILL) -> None:
        self.process.send_signal(sig)

    def wait(self, timeout: float | None = None) -> int:
        code = self.process.wait(timeout)
        self._record(code)
        return code

    def close(self, force: bool = True) -> None:
        """Close the terminal and wait for the program; `exitstatus` or `signalstatus` then
        says how it ended."""
        super().close()
        try:
            self.wait(timeout=30)
        except subprocess.TimeoutExpired:
            if not force:
                raise
            self.process.kill()
            self.wait()

    def _record(self, code: int) -> None:
        if code < 0:
            self.exitstatus, self.signalstatus = None, -code
        else:
            self.exitstatus, self.signalstatus = code, None
