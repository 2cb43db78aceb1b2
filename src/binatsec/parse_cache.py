"""Parsed large content files, kept by the SHA-256 of their bytes so they can never go stale.

Parsing TOML is most of what a big `--content-dir` costs (the standard library's parser is
pure Python). The same bytes always parse to the same data, so a file whose hash has been
seen is read back from JSON instead. Only files of at least `MIN_BYTES` are cached: the
bundled content and ordinary user folders never touch the disk. Every failure (no cache
folder, read-only disk, a damaged entry) falls back to parsing: the cache only saves time.
Entries are written atomically; a damaged one is replaced, since it holds nothing that is
not re-derived from the content file itself.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

CACHE_DIR_ENV = "BINATSEC_CACHE_DIR"
MIN_BYTES = 64 * 1024
# Entries kept at most; the least recently used go first. Each is one version of one large
# file, so this covers many folders and edits while bounding the disk used.
MAX_ENTRIES = 32
# Part of every key: a different parser or version could parse the same bytes differently.
_PARSER = f"tomllib-py{sys.version_info[0]}.{sys.version_info[1]}-v1"


def cache_dir() -> Path | None:
    """Where parsed files are kept: $BINATSEC_CACHE_DIR, else the user cache folder."""
    configured = os.environ.get(CACHE_DIR_ENV, "").strip()
    if configured:
        return Path(configured)
    try:
        from platformdirs import user_cache_dir
    except ImportError:  # pragma: no cover - platformdirs is a dependency
        return None
    return Path(user_cache_dir("binatsec", appauthor=False)) / "parsed"


def parse(raw: bytes, text: str, parser: Callable[[str], dict[str, Any]]) -> dict[str, Any]:
    """`parser(text)`, or the cached result for these exact bytes."""
    if len(raw) < MIN_BYTES:
        return parser(text)
    folder = cache_dir()
    if folder is None:
        return parser(text)
    import hashlib  # here, not at the top: OpenSSL's import costs every run ~2 ms

    entry = folder / f"{hashlib.sha256(_PARSER.encode() + raw).hexdigest()}.json"
    with contextlib.suppress(OSError, ValueError):
        cached = json.loads(entry.read_bytes())
        if isinstance(cached, dict):
            os.utime(entry)  # recently used: pruning keeps it
            return cached
    data = parser(text)
    _store(entry, data)
    return data


def _store(entry: Path, data: dict[str, Any]) -> None:
    try:
        encoded = json.dumps(data, ensure_ascii=False).encode("utf-8")
    except (TypeError, ValueError):
        return  # dates and times have no JSON form: such a file is simply not cached
    import tempfile

    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=entry.parent, prefix=".parsed-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(encoded)
            Path(temporary).replace(entry)  # atomic within one file system
            _prune(entry.parent)
        except BaseException:
            with contextlib.suppress(OSError):
                Path(temporary).unlink()
            raise
    except OSError:
        return


def _prune(folder: Path) -> None:
    """Remove the least recently used entries beyond MAX_ENTRIES."""
    with contextlib.suppress(OSError):
        entries = sorted(folder.glob("*.json"), key=lambda path: path.stat().st_mtime)
        for stale in entries[:-MAX_ENTRIES]:
            stale.unlink(missing_ok=True)
