"""What can be wrong with content: one located problem, and the error that carries them."""

from __future__ import annotations

from collections.abc import Sequence

from binatsec.frozen import Frozen


class Problem(Frozen):
    """One thing wrong with the content, located as precisely as the file allows."""

    rule: str
    file: str
    message: str
    line: int | None = None
    column: int | None = None
    record_id: str | None = None
    key: str | None = None
    severity: str = "error"  # or "warning": reported by lint, but the content still loads

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        parts = [where]
        if self.record_id:
            parts.append(self.record_id)
        if self.key:
            parts.append(self.key)
        message = self.message if self.is_error else f"warning: {self.message}"
        return f"{': '.join(parts)}: {message} [{self.rule}]"


class ContentError(Exception):
    """The content could not be loaded; `problems` says what is wrong.

    `truncated` is set when checking stopped at the cap: there may be more.
    """

    def __init__(self, problems: Sequence[Problem], truncated: bool = False) -> None:
        self.problems = tuple(problems)
        self.truncated = truncated
        super().__init__("\n".join(str(p) for p in self.problems))
