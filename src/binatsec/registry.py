"""What the three registries (kinds, quiz topics, formats) share: room for a few more entries
while a block runs, for tests and plugins, and the registry as it was afterwards."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

Entry = TypeVar("Entry")


@contextmanager
def extended(registry: list[Entry], extra: Sequence[Entry]) -> Iterator[None]:
    """`registry` with `extra` appended until the block ends, then exactly as it was.
    The caller checks the entries first: this only adds and restores."""
    saved = list(registry)
    registry.extend(extra)
    try:
        yield
    finally:
        registry[:] = saved
