"""Validated corpora kept by the hash of the content they were built from.

Parsing and validating TOML is most of what loading costs, and the same bytes always give
the same corpus. So a corpus that passed validation is stored as plain data under a key made
of every content file's name and bytes, the parser, the registry of kinds and binatsec's
version; the next run with the same content reads it back in a fraction of the time. The
key is the content itself, so a stale entry can never be served, whatever the install
(wheel, editable, checkout) or the user's folder. The TOML files stay the only source of
truth: every failure here (no cache folder, a read-only disk, a damaged entry) falls back
to parsing, and invalid content is never stored. An entry is trusted no more than a file:
one that is not a regular file, too large, or not shaped as `encode` writes is removed.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import hashlib

from binatsec import __version__
from binatsec.corpus import kinds, spec
from binatsec.corpus.records import Corpus, Record, Text

# Entries kept at most; the least recently used go first. Each is one version of one set of
# content, so this covers many folders and edits while bounding the disk used.
MAX_ENTRIES = 32
# The largest entry written or read. The bundled corpus takes 20 kB and a folder 100 times
# its size under 3 MB; anything larger is parsed each run instead, never read into memory.
MAX_ENTRY_BYTES = 64 * 2**20
FORMAT = "v6"  # v6: each kind as columns


def _blake2b(data: bytes = b"") -> hashlib.blake2b:
    try:
        from _blake2 import blake2b  # what hashlib uses, without hashlib's OpenSSL import
    except ImportError:  # pragma: no cover - other Python implementations
        from hashlib import blake2b
    return blake2b(data, digest_size=20)


def key(layers: Sequence[tuple[str, bytes]]) -> str:
    """A digest of every (name, bytes) layer and of everything that could change its parse."""
    digest = _blake2b()
    # The rules too: a corpus checked before a rule was added has not passed it.
    context = (f"{FORMAT}|{__version__}|py{sys.version_info[0]}.{sys.version_info[1]}|"
               f"{kinds.fingerprint()}|{','.join(spec.RULES)}")
    digest.update(context.encode())
    for name, raw in layers:
        digest.update(f"|{name}|{len(raw)}|".encode())
        digest.update(raw)
    return digest.hexdigest()


_NONE = type(None)
# Checks whose values need only be strings for binatsec to show them.
_STRING_CHECKS = (spec.string, spec.record_id, spec.slug)


def _fields(kind: kinds.Kind) -> list[spec.Field]:
    """The kind's fields in its record's order, which is the order of an entry's columns."""
    by_name = {field.name: field for field in kind.fields}
    return [by_name[name] for name in getattr(kind.record, "_fields", ())]


def _columns(kind: kinds.Kind, records: Sequence[Record]) -> list[list[Any]]:
    """One array per field, in record order; a text field gives two, English and Spanish."""
    columns: list[list[Any]] = []
    for field in _fields(kind):
        values = [getattr(record, field.name) for record in records]
        if field.check is spec.text:
            columns.append([None if text is None else text.en for text in values])
            columns.append([None if text is None else text.es for text in values])
        elif field.check is spec.ids:
            columns.append(list(map(list, values)))
        else:
            columns.append(values)
    return columns


def encode(corpus: Corpus) -> bytes:
    """Each kind as columns: one array per field, text as two (English, Spanish), links as
    arrays. Columns make checking an entry one pass over each, in C (see _check_columns)."""
    data = {kind.name: _columns(kind, corpus.of(kind.name)) for kind in kinds.all_kinds()}
    document = {"kinds": data, "origins": dict(corpus.origins())}
    payload = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    # The payload's own digest first: records are rebuilt lazily, after the entry was
    # accepted, so a damaged entry must be refused whole, here.
    return _blake2b(payload).hexdigest().encode() + b"\n" + payload


def _refuse(rule: str, message: str, key: str | None = None) -> None:
    raise ValueError(f"{key}: {message}")


def _only(values: Iterable[Any], *allowed: type) -> bool:
    """Whether every value is of one of the `allowed` types (exactly: True is no int)."""
    return set(map(type, values)).issubset(allowed)


def _check_columns(kind: kinds.Kind, columns: Any) -> None:
    """Raise ValueError unless `columns` are as `encode` writes those of `kind`: one array
    per field (two per text), all of one length, each value of its field's type, and the
    numbers, years and units (what views compute with) passing their field's own check.

    Records are built lazily, after the entry was accepted, so whatever would stop one
    being built, or trip a command up, must be found here. Each column is one pass in C;
    Python runs only once per distinct number, year or unit."""
    fields = _fields(kind)
    widths = [2 if field.check is spec.text else 1 for field in fields]
    if (type(columns) is not list or len(columns) != sum(widths)
            or not _only(columns, list) or len(set(map(len, columns))) > 1):
        raise ValueError(f"{kind.name}: not one array per field, all of one length")
    column = iter(columns)
    for field in fields:
        values = next(column)
        absent = () if field.required else (_NONE,)
        if field.check is spec.text:
            fits = _only(values, str, *absent) and _only(next(column), str, _NONE)
        elif field.check is spec.ids:
            fits = _only(values, list) and _only(chain.from_iterable(values), str)
        elif field.check in _STRING_CHECKS:
            fits = _only(values, str, *absent)
        elif field.check is spec.boolean:  # a flag is false when absent, never null
            fits = _only(values, bool)
        else:
            # Keyed by type too, as 1, 1.0 and True are one value to a set; the check must
            # give back the same type (a figure stored as an integer would not be a float).
            fits = _only(values, int, float, str, *absent) and all(
                value is None or type(field.check(value, field.name, _refuse)) is value_type
                for value_type, value in set(zip(map(type, values), values, strict=True)))
        if not fits:
            raise ValueError(f"{kind.name}: {field.name}: not as the loader gives it")


def decode(raw: bytes) -> Corpus:
    """A corpus from `encode`; raises ValueError (or KeyError, TypeError) if damaged or not
    shaped as `encode` writes it."""
    digest, _, payload = raw.partition(b"\n")
    if _blake2b(payload).hexdigest().encode() != digest:
        raise ValueError("a damaged entry")
    document = json.loads(payload)
    data, origins = document["kinds"], document["origins"]
    if (type(data) is not dict or type(origins) is not dict
            or data.keys() != {kind.name for kind in kinds.all_kinds()}
            or not _only(origins, str) or not _only(origins.values(), str)):
        raise ValueError("not a validated bundle")
    pending: dict[str, Callable[[], list[Record]]] = {}
    for name, columns in data.items():
        kind = kinds.get(name)
        if kind is None:
            raise ValueError(f"unknown kind {name}")
        _check_columns(kind, columns)
        pending[name] = partial(_build, kind, columns)
    prefixes = {kind.prefix: kind.name for kind in kinds.all_kinds() if kind.prefix}
    return Corpus({}, pending, prefixes, origins)


def _text(en: str | None, es: str | None) -> Text | None:
    return None if en is None else Text(en, es)


def _build(kind: kinds.Kind, columns: list[list[Any]]) -> list[Record]:
    """One kind's records from its checked columns: text and links get their types back."""
    values: list[Iterable[Any]] = []
    column = iter(columns)
    for field in _fields(kind):
        if field.check is spec.text:
            values.append(map(_text, next(column), next(column)))
        elif field.check is spec.ids:
            values.append(map(tuple, next(column)))
        else:
            values.append(next(column))
    return list(map(kind.record, *values))


def lookup(digest: str, folder: Path | None) -> Corpus | None:
    """The corpus kept under `digest` in `folder` (the run's `Folders.cache()`), or None."""
    if folder is None:
        return None
    from binatsec.fileio import read_regular_file

    entry = folder / f"{digest}.json"
    try:
        # Never blocks (a FIFO) nor reads without end (a link to /dev/zero).
        corpus = decode(read_regular_file(entry, MAX_ENTRY_BYTES))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        with contextlib.suppress(OSError):
            entry.unlink()  # damaged or not a file: parse again, and store a good one
        return None
    with contextlib.suppress(OSError):
        os.utime(entry)  # recently used: pruning keeps it
    return corpus


def store(digest: str, corpus: Corpus, folder: Path | None) -> None:
    """Keep `corpus` under `digest` in `folder` (None: keep nothing)."""
    if folder is None:
        return
    from binatsec.fileio import atomic_write

    with contextlib.suppress(OSError, ValueError):
        encoded = encode(corpus)
        if len(encoded) > MAX_ENTRY_BYTES:
            return  # lookup would refuse it: writing it would only cost time and disk
        atomic_write(folder / f"{digest}.json", encoded)
        _prune(folder)


def _prune(folder: Path) -> None:
    """Remove the least recently used entries beyond MAX_ENTRIES."""
    import time

    # An entry dated in the future (a clock set wrong once, a copied folder) counts as the
    # oldest: otherwise it would outlive every entry written from now on.
    soon = time.time() + 60

    def last_used(path: Path) -> float:
        used = path.stat().st_mtime
        return used if used <= soon else float("-inf")

    with contextlib.suppress(OSError):
        entries = sorted(folder.glob("*.json"), key=last_used)
        for stale in entries[:-MAX_ENTRIES]:
            stale.unlink(missing_ok=True)
