"""Entry point for the console script and `python -m binatsec`."""

from __future__ import annotations


def main() -> None:
    """Run binatsec on the command line (errors and exit codes: binatsec.errors)."""
    import sys

    if sys.argv[1:] in (["--version"], ["-V"]):
        # Exactly what the eager --version option prints, without building the whole
        # command tree first: scripts call this to check for binatsec (issue 4).
        from binatsec import __version__
        from binatsec.streams import write_and_flush

        sys.exit(write_and_flush(f"binatsec {__version__}\n"))
    from binatsec.cli.app import app

    try:
        app(prog_name="binatsec")
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else 1
    _exit_now(code)


def _exit_now(code: int) -> None:
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
