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

An entry is a header (with its own digest) giving each kind's slice of the file and its
checksum, then one blob per kind: its columns and the origins of its records. A lookup
reads only the header; each kind is read, checked and built when a command first asks for
it, so a command costs what it reads, not the whole folder. A kind found damaged then
never fails the command nor serves bad data: the entry is removed, the TOML parsed again
(`reparse`), and that kind taken from the fresh corpus, which is stored in its place.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import weakref
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from itertools import chain
from pathlib import Path
from typing import Any, cast

from binatsec import __version__
from binatsec.corpus import kinds, spec
from binatsec.corpus.records import Corpus, Pending, Record, Text
from binatsec.fileio import blake2b
from binatsec.frozen import building_many

# Entries kept at most; the least recently used go first. Each is one version of one set of
# content, so this covers many folders and edits while bounding the disk used.
MAX_ENTRIES = 32
# The largest entry written or read. The bundled corpus takes 45 kB and a folder 100 times
# its size 5 MB, 1000 times 53 MB, its search index included once a command has searched
# (of which a command reads the kinds it shows); anything larger is parsed each run
# instead, never read.
MAX_ENTRY_BYTES = 96 * 2**20
# The most of an entry a lookup reads: its header, some 60 bytes a kind.
MAX_HEADER_BYTES = 64 * 2**10
FORMAT = "v9"  # v8: a header of slices, then each kind (columns and origins) on its own,
# then search's index (`SEARCH`); v9: the index is added when first asked for
# The blob that holds search's index of the corpus (queries.build_index), read only by a
# search or a look-up by words. Not a kind: no kind's name starts with "~".
SEARCH = "~search"


def key(layers: Sequence[tuple[str, bytes]]) -> str:
    """A digest of every (name, bytes) layer and of everything that could change its parse."""
    digest = blake2b()
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


def _blob(kind: kinds.Kind, records: Sequence[Record], origins: Mapping[str, str]) -> bytes:
    """One kind as `[columns, origins]`: one array per field, text as two (English,
    Spanish), links as arrays; then the user's file of each of its records that has one.
    Columns make checking a kind one pass over each, in C (see _check_columns)."""
    document = [_columns(kind, records), origins]
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def pack(blobs: Mapping[str, bytes]) -> bytes:
    """An entry of these blobs by kind: the header's digest, the header (each kind's offset
    after the header, length and CRC-32), then the blobs."""
    return b"".join(_packed(blobs))


def _packed(blobs: Mapping[str, bytes]) -> list[bytes]:
    """`pack` in parts, to be written in turn (never joined: 47 MB at 70,000 records)."""
    slices: dict[str, list[int]] = {}
    offset = 0
    for name, blob in blobs.items():
        slices[name] = [offset, len(blob), zlib.crc32(blob)]
        offset += len(blob)
    header = json.dumps(slices, separators=(",", ":")).encode()
    # The header has its own digest: it says where everything else is, and the blobs are
    # each checked by their checksum when first read.
    return [blake2b(header).hexdigest().encode(), b"\n", header, b"\n", *blobs.values()]


def encode(corpus: Corpus, index: bytes | None = None) -> bytes:
    """The entry of a corpus: each kind's blob (see _blob), then search's `index` if given
    (see queries.build_index), behind a header (see pack)."""
    return b"".join(_encoded(corpus, index))


def _encoded(corpus: Corpus, index: bytes | None = None) -> list[bytes]:
    """`encode` in parts (see _packed)."""
    origins = corpus.origins()
    blobs: dict[str, bytes] = {}
    kept = 0
    for kind in kinds.all_kinds():
        records = corpus.of(kind.name)
        mine = {record.id: origins[record.id] for record in records if record.id in origins}
        kept += len(mine)
        blobs[kind.name] = _blob(kind, records, mine)
    if kept != len(origins):  # each origin is read with its record's kind: none may be lost
        raise ValueError("an origin of no record")
    if index is not None:
        blobs[SEARCH] = index
    return _packed(blobs)


def _refuse(rule: str, message: str, key: str | None = None) -> None:
    raise ValueError(f"{key}: {message}")


def _only(values: Iterable[Any], *allowed: type) -> bool:
    """Whether every value is of one of the `allowed` types (exactly: True is no int)."""
    return set(map(type, values)).issubset(allowed)


def _check_columns(kind: kinds.Kind, columns: Any) -> None:
    """Raise ValueError unless `columns` are as `encode` writes those of `kind`: one array
    per field (two per text), all of one length, each value of its field's type, and the
    numbers, years and units (what views compute with) passing their field's own check.

    A kind's records are built only from checked columns, so whatever would stop one
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


_Slices = dict[str, tuple[int, int, int]]


def _header(head: bytes, size: int) -> tuple[_Slices, int]:
    """Each kind's (offset, length, CRC-32) and where the blobs start, from an entry's
    first bytes (`head`) and its `size`; raises ValueError if damaged."""
    digest, _, rest = head.partition(b"\n")
    header, newline, _ = rest.partition(b"\n")
    if not newline or blake2b(header).hexdigest().encode() != digest:
        raise ValueError("a damaged header")
    slices = json.loads(header)
    start = len(digest) + len(header) + 2
    if (type(slices) is not dict
            or slices.keys() - {SEARCH} != {kind.name for kind in kinds.all_kinds()}
            or not _only(slices.values(), list)):
        raise ValueError("not a validated bundle")
    for value in slices.values():
        if (len(value) != 3 or not _only(value, int) or min(value) < 0
                or value[0] + value[1] > size - start):
            raise ValueError("a slice outside the entry")
    return {name: (value[0], value[1], value[2]) for name, value in slices.items()}, start


class _Entry:
    """One entry's kinds, each read (`read(offset, length)`), checked and built when first
    asked for; `close` when every kind was read, or the corpus is let go."""

    def __init__(self, read: Callable[[int, int], bytes], slices: _Slices, start: int,
                 reparse: Callable[[], Corpus] | None,
                 discard: Callable[[], None] = lambda: None,
                 close: Callable[[], None] = lambda: None,
                 kept_at: tuple[str, Path] | None = None) -> None:
        self._read, self._slices, self._start = read, slices, start
        self._reparse, self._discard, self._close = reparse, discard, close
        self._kept_at = kept_at  # (digest, folder): where an index made later is kept
        self._left = len(slices)
        self._fresh: Corpus | None = None

    def corpus(self) -> Corpus:
        pending = {name: partial(self._kind, name) for name in self._slices if name != SEARCH}
        prefixes = {kind.prefix: kind.name for kind in kinds.all_kinds() if kind.prefix}
        corpus = Corpus({}, pending, prefixes)
        if SEARCH in self._slices:
            corpus.add_extra("search", self._search)
        elif self._kept_at is not None:
            _index_when_asked(corpus, *self._kept_at)
        return corpus

    def _checked(self, name: str) -> bytes:
        """The blob of `name`, read and checked against its slice's length and CRC-32;
        raises OSError or ValueError. The file is closed once every blob was read."""
        offset, length, checksum = self._slices[name]
        try:
            blob = self._read(self._start + offset, length)
        finally:
            self._left -= 1
            if not self._left:
                self._close()
        if len(blob) != length or zlib.crc32(blob) != checksum:
            raise ValueError(f"{name}: damaged")
        return blob

    def _search(self) -> bytes | None:
        """Search's index; None when it is damaged (the entry is then removed, so the next
        run stores a good one: until then search reads the records themselves)."""
        try:
            return self._checked(SEARCH)
        except (OSError, ValueError):
            self._discard()
            return None

    def _kind(self, name: str) -> Pending:
        kind = kinds.get(name)
        try:
            blob = self._checked(name)
            if kind is None:  # pragma: no cover - _header takes only registered kinds
                raise ValueError(f"unknown kind {name}")
            return _decoded(kind, blob)
        except (OSError, ValueError, KeyError, TypeError, RecursionError):
            if self._reparse is None:
                raise
            return self._parsed_again(name)

    def _parsed_again(self, name: str) -> Pending:
        """The kind from the TOML, parsed once for every damaged kind of this entry."""
        if self._fresh is None:
            assert self._reparse is not None
            self._discard()  # first, so the fresh corpus is stored in its place
            self._fresh = self._reparse()
        records = self._fresh.of(name)
        origins = self._fresh.origins()
        return records, {record.id: origins[record.id] for record in records
                         if record.id in origins}

    def __del__(self) -> None:
        if self._left:
            self._close()


@building_many()
def _decoded(kind: kinds.Kind, blob: bytes) -> Pending:
    """A kind's records and origins from its blob; raises ValueError (or KeyError,
    TypeError) unless shaped as `_blob` writes it."""
    document = json.loads(blob)
    if type(document) is not list or len(document) != 2:
        raise ValueError(f"{kind.name}: not columns and origins")
    columns, origins = document
    _check_columns(kind, columns)
    records = _build(kind, columns)
    if (type(origins) is not dict or not _only(origins, str)
            or not _only(origins.values(), str)
            or not origins.keys() <= {record.id for record in records}):
        raise ValueError(f"{kind.name}: origins not of its records")
    return records, origins


def decode(raw: bytes, reparse: Callable[[], Corpus] | None = None) -> Corpus:
    """A corpus from `encode`; raises ValueError (or KeyError, TypeError) if its header is
    damaged. Each kind is checked when first asked for: one damaged or not shaped as
    `encode` writes it is taken from `reparse()`, or without it raises there."""
    slices, start = _header(raw[:MAX_HEADER_BYTES], len(raw))
    return _Entry(lambda offset, length: raw[offset:offset + length], slices, start,
                  reparse).corpus()


def _text(en: str | None, es: str | None) -> Text | None:
    return None if en is None else Text(en, es)


# A Frozen class called with every field in order is `tuple.__new__(cls, values)`: made so
# directly, a kind's records (and their texts) are built without a Python call each, which
# was half of what a search over 70,000 records spent before it read a word.
_new = tuple.__new__


def _build(kind: kinds.Kind, columns: list[list[Any]]) -> list[Record]:
    """One kind's records from its checked columns: text and links get their types back."""
    values: list[Iterable[Any]] = []
    column = iter(columns)
    for field in _fields(kind):
        if field.check is spec.text:
            english, spanish = next(column), next(column)
            values.append(map(partial(_new, Text), zip(english, spanish, strict=True))
                          if None not in english else map(_text, english, spanish))
        elif field.check is spec.ids:
            values.append(map(tuple, next(column)))
        else:
            values.append(next(column))
    make: Any = kind.record
    if not (isinstance(make, type) and issubclass(make, tuple)):  # not a Frozen class
        return list(map(kind.record, *values))
    # _check_columns found one column per field: each row is a whole record.
    return cast("list[Record]", list(map(partial(_new, make), zip(*values, strict=True))))


def lookup(digest: str, folder: Path | None,
           reparse: Callable[[], Corpus] | None = None) -> Corpus | None:
    """The corpus kept under `digest` in `folder` (the run's `Folders.cache()`), or None.
    Only the header is read here; `reparse` gives the corpus from the TOML for a kind found
    damaged when first read (see the module's docstring)."""
    if folder is None:
        return None
    from binatsec.fileio import open_regular_file, read_at

    entry = folder / f"{digest}.json"
    try:
        # Never blocks (a FIFO) nor reads without end (a link to /dev/zero): the file is
        # checked once opened, and nothing past its size then, at most the limit, is read.
        descriptor = open_regular_file(entry, MAX_ENTRY_BYTES)
    except FileNotFoundError:
        return None
    except OSError:
        _remove(entry)  # not a file: parse again, and store a good one
        return None
    try:
        opened = os.fstat(descriptor)
        slices, start = _header(read_at(descriptor, 0, MAX_HEADER_BYTES), opened.st_size)
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        os.close(descriptor)
        _remove(entry)  # damaged: parse again, and store a good one
        return None

    def discard() -> None:
        # Only the file read: another run may have stored a good one there already.
        with contextlib.suppress(OSError):
            if os.path.samestat(entry.stat(), opened):
                _remove(entry)

    corpus = _Entry(partial(read_at, descriptor), slices, start, reparse, discard,
                    partial(os.close, descriptor), (digest, folder)).corpus()
    with contextlib.suppress(OSError):
        os.utime(entry)  # recently used: pruning keeps it
    return corpus


def _remove(entry: Path) -> None:
    with contextlib.suppress(OSError):
        entry.unlink()


def store(digest: str, corpus: Corpus, folder: Path | None) -> None:
    """Keep `corpus` under `digest` in `folder` (None: keep nothing); search's index is
    added to the entry when a command first searches it."""
    if _write(digest, corpus, folder):
        assert folder is not None
        _index_when_asked(corpus, digest, folder)


def _write(digest: str, corpus: Corpus, folder: Path | None,
           index: bytes | None = None) -> bool:
    """Whether `corpus` (and `index`) could be kept under `digest` in `folder`."""
    if folder is None:
        return False
    from binatsec.fileio import atomic_write

    try:
        encoded = _encoded(corpus, index)
        if sum(map(len, encoded)) > MAX_ENTRY_BYTES:
            return False  # lookup would refuse it: writing it would only cost time and disk
        atomic_write(folder / f"{digest}.json", encoded)
        _prune(folder)
    except (OSError, ValueError):
        return False
    return True


def _index_when_asked(corpus: Corpus, digest: str, folder: Path) -> None:
    """Give `corpus` search's index, made when a command first searches it and then kept
    in its entry. Made then, not when the corpus is stored: the first run over a large
    folder (a quarter of its cost at 70,000 records) need not pay for a search it may never
    make. Weakly: the corpus keeps this maker, which must not keep the corpus."""
    held = weakref.ref(corpus)

    def make() -> bytes | None:
        from binatsec.queries import build_index

        whole = held()
        if whole is None:  # pragma: no cover - a corpus asks for its extras while alive
            return None
        index = build_index(whole)
        _write(digest, whole, folder, index)
        return index

    corpus.add_extra("search", make)


def _prune(folder: Path) -> None:
    """Remove the least recently used entries beyond MAX_ENTRIES."""
    from binatsec.fileio import prune_least_recent

    prune_least_recent(folder, "*.json", MAX_ENTRIES)
