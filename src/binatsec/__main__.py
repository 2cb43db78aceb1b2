"""Entry point for the console script and `python -m binatsec`."""

from __future__ import annotations


def main() -> None:
    """Run binatsec on the command line (errors and exit codes: binatsec.exits)."""
    from binatsec.cli import app

    app(prog_name="binatsec")


if __name__ == "__main__":
    main()
