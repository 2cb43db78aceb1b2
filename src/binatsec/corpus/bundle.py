"""Validated corpora kept by the hash of the content they were built from.

Parsing and validating TOML is most of what loading costs, and the same bytes always give
the same corpus. So a corpus that passed validation is stored as plain data under a key made
of every content file's name and bytes, the parser, the registry of kinds and binatsec's
version; the next run with the same content reads it back in a fraction of the time. The
key is the content itself, so a stale entry can never be served, whatever the install
(wheel, editable, checkout) or the user's folder. The TOML files stay the only source of
truth: every failure here (no cache folder, a read-only disk, a damaged entry) falls back
to parsing, and invalid content is never stored.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import hashlib

from binatsec import __version__
from binatsec.corpus import kinds, spec
from binatsec.corpus.records import Corpus, Record, Text

CACHE_DIR_ENV = "BINATSEC_CACHE_DIR"
# Entries kept at most; the least recently used go first. Each is one version of one set of
# content, so this covers many folders and edits while bounding the disk used.
MAX_ENTRIES = 32
FORMAT = "v5"


def cache_dir() -> Path | None:
    """Where validated corpora are kept: $BINATSEC_CACHE_DIR, else the user cache folder."""
    configured = os.environ.get(CACHE_DIR_ENV, "").strip()
    if configured:
        return Path(configured).expanduser()
    if sys.platform == "linux":
        # What platformdirs answers on Linux (the XDG base directory spec), without its
        # imports, which every run would pay for; tests/test_bundle.py keeps the two equal.
        xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
        base = Path(xdg) if xdg else Path.home() / ".cache"
        return base / "binatsec" / "corpus"
    try:
        from platformdirs import user_cache_dir
    except ImportError:  # pragma: no cover - platformdirs is a dependency
        return None
    return Path(user_cache_dir("binatsec", appauthor=False)) / "corpus"


def _blake2b(data: bytes = b"") -> hashlib.blake2b:
    try:
        from _blake2 import blake2b  # what hashlib uses, without hashlib's OpenSSL import
    except ImportError:  # pragma: no cover - other Python implementations
        from hashlib import blake2b
    return blake2b(data, digest_size=20)


def key(layers: Sequence[tuple[str, bytes]]) -> str:
    """A digest of every (name, bytes) layer and of everything that could change its parse."""
    digest = _blake2b()
    context = (f"{FORMAT}|{__version__}|py{sys.version_info[0]}.{sys.version_info[1]}|"
               f"{kinds.fingerprint()}")
    digest.update(context.encode())
    for name, raw in layers:
        digest.update(f"|{name}|{len(raw)}|".encode())
        digest.update(raw)
    return digest.hexdigest()


def _plain(value: Any) -> Any:
    if isinstance(value, Text):
        return [value.en, value.es]
    if isinstance(value, tuple):
        return list(value)
    return value


def encode(corpus: Corpus) -> bytes:
    """Each record as an array of its field values; text as [en, es], links as arrays."""
    data = {name: [[_plain(v) for v in record._asdict().values()] for record in records]
            for name, records in corpus.kinds().items()}
    document = {"kinds": data, "origins": dict(corpus.origins())}
    payload = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    # The payload's own digest first: records are rebuilt lazily, after the entry was
    # accepted, so a damaged entry must be refused whole, here.
    return _blake2b(payload).hexdigest().encode() + b"\n" + payload


def _decoder(kind: kinds.Kind) -> Callable[[list[Any]], Record]:
    """Rebuilds one kind's records: only its text and link fields need a type back."""
    checks = {field.name: field.check for field in kind.fields}
    names: tuple[str, ...] = getattr(kind.record, "_fields", ())
    texts = [i for i, name in enumerate(names) if checks.get(name) is spec.text]
    links = [i for i, name in enumerate(names) if checks.get(name) is spec.ids]
    make: Callable[[list[Any]], Record] = getattr(kind.record, "_make")  # noqa: B009

    def decode_row(row: list[Any]) -> Record:
        for i in texts:
            if row[i] is not None:
                row[i] = Text(*row[i])
        for i in links:
            row[i] = tuple(row[i])
        return make(row)

    return decode_row


def decode(raw: bytes) -> Corpus:
    """A corpus from `encode`; raises ValueError (or KeyError, TypeError) if damaged."""
    digest, _, payload = raw.partition(b"\n")
    if _blake2b(payload).hexdigest().encode() != digest:
        raise ValueError("a damaged entry")
    document = json.loads(payload)
    data, origins = document["kinds"], document["origins"]
    if not isinstance(data, dict) or not isinstance(origins, dict):
        raise ValueError("not a validated bundle")
    pending: dict[str, Callable[[], list[Record]]] = {}
    for name, rows in data.items():
        kind = kinds.get(name)
        if kind is None or not isinstance(rows, list):
            raise ValueError(f"unknown kind {name}")
        pending[name] = partial(_build, kind, rows)
    prefixes = {kind.prefix: kind.name for kind in kinds.all_kinds() if kind.prefix}
    return Corpus({}, pending, prefixes, origins)


def _build(kind: kinds.Kind, rows: list[list[Any]]) -> list[Record]:
    return list(map(_decoder(kind), rows))


def lookup(digest: str) -> Corpus | None:
    folder = cache_dir()
    if folder is None:
        return None
    entry = folder / f"{digest}.json"
    try:
        corpus = decode(entry.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        with contextlib.suppress(OSError):
            entry.unlink()  # damaged: parse again, and store a good one
        return None
    with contextlib.suppress(OSError):
        os.utime(entry)  # recently used: pruning keeps it
    return corpus


def store(digest: str, corpus: Corpus) -> None:
    folder = cache_dir()
    if folder is None:
        return
    from binatsec.fileio import atomic_write

    with contextlib.suppress(OSError, ValueError):
        atomic_write(folder / f"{digest}.json", encode(corpus))
        _prune(folder)


def _prune(folder: Path) -> None:
    """Remove the least recently used entries beyond MAX_ENTRIES."""
    with contextlib.suppress(OSError):
        entries = sorted(folder.glob("*.json"), key=lambda path: path.stat().st_mtime)
        for stale in entries[:-MAX_ENTRIES]:
            stale.unlink(missing_ok=True)
