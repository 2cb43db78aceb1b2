"""The "Examples:" epilog every command carries: read by the help, the man page and the test
that runs each example."""

from __future__ import annotations

from binatsec.i18n import N_, _

EXAMPLES = N_("Examples:")


def example_lines(epilog: str | None) -> list[str]:
    """The commands an "Examples:" epilog lists, one a line ([] for any other epilog)."""
    lines = [line.strip() for line in (epilog or "").replace("\b", "").splitlines()]
    lines = [line for line in lines if line]
    return lines[1:] if lines and lines[0] in (EXAMPLES, _(EXAMPLES)) else []
