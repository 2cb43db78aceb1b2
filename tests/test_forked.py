"""binatsec.forked: half of a large job in a forked child, and every way it can go wrong."""

from __future__ import annotations

import os
from typing import IO, Any

import pytest

from binatsec import forked

pytestmark = pytest.mark.skipif(not forked.available(),
                                reason="work is split only on Linux with two cores or more")


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_what_the_child_wrote_is_read_back_from_its_start() -> None:
    child = forked.Child(lambda out: out.write(b"the second half"))
    try:
        written = child.output()
        assert written is not None and written.read() == b"the second half"
    finally:
        child.end()


def test_a_child_that_fails_gives_nothing_so_the_caller_does_its_half() -> None:
    def fails(out: IO[bytes]) -> None:
        out.write(b"half of it")
        raise ValueError("a damaged file")

    child = forked.Child(fails)
    try:
        assert child.output() is None
    finally:
        child.end()


def test_the_child_never_writes_to_the_standard_streams(capfd: pytest.CaptureFixture[str]
                                                        ) -> None:
    """Its stdout and stderr are /dev/null: nothing of the parent's buffered output is
    written twice, and a reader of the parent's output never waits for the child."""
    def noisy(out: IO[bytes]) -> None:
        os.write(1, b"to stdout\n")
        os.write(2, b"to stderr\n")
        out.write(b"ok")

    child = forked.Child(noisy)
    try:
        written = child.output()
        assert written is not None and written.read() == b"ok"
    finally:
        child.end()
    assert capfd.readouterr() == ("", "")


def test_ctrl_c_while_waiting_still_stops_and_reaps_the_child(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Interrupted in waitpid, output() raises; end() must then kill the child (which
    ignores SIGINT and would finish its whole half) and reap it, leaving no zombie."""
    import time

    child = forked.Child(lambda out: time.sleep(30))
    pid = child._pid
    real = os.waitpid
    calls: list[int] = []

    def interrupted(wanted: int, options: int) -> Any:
        calls.append(wanted)
        if len(calls) == 1:
            raise KeyboardInterrupt
        return real(wanted, options)

    monkeypatch.setattr(os, "waitpid", interrupted)
    with pytest.raises(KeyboardInterrupt):
        child.output()
    child.end()
    assert calls == [pid, pid] and _gone(pid)
