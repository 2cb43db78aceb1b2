"""Entry point for the console script and `python -m binatsec`."""

from __future__ import annotations


def main() -> None:
    """Run binatsec on the command line (errors and exit codes: binatsec.errors)."""
    import sys

    if sys.argv[1:] in (["--version"], ["-V"]):
        # Exactly what the eager --version option prints, without building the whole
        # command tree first: scripts call this to check for binatsec (issue 4).
        from binatsec import __version__
        from binatsec.views.stream import write_and_flush

        sys.exit(write_and_flush(f"binatsec {__version__}\n"))
    from binatsec.cli.app import app

    app(prog_name="binatsec")


if __name__ == "__main__":
    main()
