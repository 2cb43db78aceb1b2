"""Writing to stdout for machines: JSON and plain text that survive any stdout encoding."""

from __future__ import annotations

import codecs
import io
import json
import sys
from collections.abc import Mapping
from typing import IO, Any


def encodes_unicode(stream: IO[str]) -> bool:
    """Whether `stream` can carry any character (UTF-8/16/32), not just ASCII or Latin-1."""
    encoding = getattr(stream, "encoding", None) or "ascii"
    try:
        return codecs.lookup(encoding).name.startswith("utf")
    except LookupError:
        return False


def write_json(document: Mapping[str, Any], stream: IO[str] | None = None) -> None:
    """One JSON document; non-ASCII is escaped (\\uXXXX) when the stream can't encode it."""
    out = stream or sys.stdout
    out.write(json.dumps(document, ensure_ascii=not encodes_unicode(out), indent=2) + "\n")


def write_text(text: str, stream: IO[str] | None = None) -> None:
    """Text (CSV, Markdown) with characters the stream can't encode replaced, not fatal."""
    out = stream or sys.stdout
    if not encodes_unicode(out) and isinstance(out, io.TextIOWrapper):
        out.reconfigure(errors="replace")
    out.write(text)
