"""Entry point for the console script and `python -m binatsec`."""

from __future__ import annotations

from typing import NoReturn


def main() -> None:
    """Run binatsec on the command line (errors and exit codes: binatsec.errors)."""
    import sys

    if sys.argv[1:] in (["--version"], ["-V"]):
        # Exactly what the eager --version option prints, without building the whole
        # command tree first: scripts call this to check for binatsec (issue 4).
        from binatsec import __version__
        from binatsec.streams import write_and_flush

        sys.exit(write_and_flush(f"binatsec {__version__}\n"))
    try:
        # A read command answered before with the same arguments, content and terminal:
        # its kept output, without importing Typer or Rich (binatsec/answers.py).
        from binatsec.answers import serve

        served = serve(sys.argv[1:])
        if served is not None:
            _exit_now(served)
        from binatsec.cli.app import app
        from binatsec.frozen import one_command

        one_command()
    except KeyboardInterrupt:
        # Ctrl-C before the command line is even built (a slow disk, a busy machine):
        # the same line errors.run says, not a traceback from the middle of an import.
        _interrupted()
    try:
        app(prog_name="binatsec")
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else 1
    _exit_now(code)


def _interrupted() -> NoReturn:
    import contextlib
    import sys

    with contextlib.suppress(OSError, ValueError):
        sys.stderr.write("\nbinatsec: interrupted\n")
    _exit_now(130)


def _exit_now(code: int) -> NoReturn:
    """End the process without tearing the interpreter down.

    By the time a command returns, its output is written and its files are closed (history
    and cache writes are atomic and synchronous); what is left is Python freeing every
    module and object one by one, 10-20 ms a run on this project's machines, which a
    reference tool's user waits for at every prompt. So flush the two streams, then leave.
    """
    import os
    import sys

    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass  # a reader that went away (| head) was already handled by errors.run
    os._exit(code)


if __name__ == "__main__":
    main()
