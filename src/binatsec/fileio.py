"""Files binatsec keeps: the one atomic write it uses, and the one safe read of its own files.

A write never leaves a half-written file; a read never blocks (a FIFO or a terminal where a
file should be is refused, not waited on) and never takes more than it was told into memory.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import hashlib
    from collections.abc import Callable, Iterable
    from typing import BinaryIO

# Opening with O_NONBLOCK makes opening a FIFO return at once (without it, open() waits for a
# writer forever); O_NOCTTY keeps a terminal opened by mistake from becoming ours. Both are 0
# where the platform lacks them.
_SAFE_OPEN = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
              | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
_CHUNK = 1 << 20


class RefusedFile(OSError):
    """A file binatsec will not read. `strerror` says why, as an OSError's would, so a caller
    that reports `error.strerror` needs nothing more."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(0, reason, os.fspath(path))

    def __str__(self) -> str:
        return f"{self.filename}: {self.strerror}"


class NotRegularFile(RefusedFile):
    """A folder, FIFO, device or socket where a file was expected."""

    def __init__(self, path: Path, mode: int) -> None:
        self.kind = kind_of(mode)
        super().__init__(path, f"is {self.kind}, not a regular file")


class FileTooLarge(RefusedFile):
    """A regular file larger than the caller reads."""

    def __init__(self, path: Path, limit: int) -> None:
        self.limit = limit
        super().__init__(path, f"is larger than {size_in_words(limit)}")


def kind_of(mode: int) -> str:
    """What a file of this `st_mode` is, in words ("a FIFO", "a folder")."""
    kinds = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
             (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
             (stat.S_ISSOCK, "a socket"), (stat.S_ISREG, "a regular file"))
    return next((name for test, name in kinds if test(mode)), "a special file")


def size_in_words(count: int) -> str:
    """A byte count as people read it: '5 MB', '1.25 MB', '300 bytes' (MB = 2**20 bytes)."""
    return f"{count / 2**20:g} MB" if count >= 2**20 else f"{count:,} bytes"


def open_regular_file(path: Path, limit: int) -> int:
    """A descriptor open for reading on `path`, which must be a regular file (or a link to
    one) of at most `limit` bytes when opened; the caller closes it. Opening never blocks
    and the type and size are checked on the open descriptor (fstat), so nothing can be
    swapped in between the check and a read. Raises what read_regular_file does."""
    try:
        descriptor = os.open(path, _SAFE_OPEN)
    except OSError as error:
        # A socket cannot be opened at all (ENXIO); say what it is rather than "no device".
        mode = _mode_or_none(path)
        if mode is not None and not stat.S_ISREG(mode) and not isinstance(
                error, (FileNotFoundError, PermissionError)):
            raise NotRegularFile(path, mode) from None
        raise
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise NotRegularFile(path, status.st_mode)
        if status.st_size > limit:
            raise FileTooLarge(path, limit)
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor


def blake2b(data: bytes = b"") -> hashlib.blake2b:
    """A BLAKE2b hash (20 bytes) of `data`, for the caches' keys and checks: the one
    hashlib uses, without hashlib's OpenSSL import, which every run would pay for."""
    try:
        from _blake2 import blake2b as made
    except ImportError:  # pragma: no cover - other Python implementations
        from hashlib import blake2b as made
    return made(data, digest_size=20)


def read_regular_file(path: Path, limit: int) -> bytes:
    """The bytes of `path`, which must be a regular file (or a link to one) of at most `limit`
    bytes. Opening never blocks and the type is checked on the open descriptor (fstat), so
    nothing can be swapped in between the check and the read; at most `limit` + 1 bytes are
    ever read. Raises FileNotFoundError, NotRegularFile, FileTooLarge or another OSError."""
    descriptor = open_regular_file(path, limit)
    try:
        # Read to the limit whatever st_size says: the file may grow, and /proc reports 0.
        # But ask for its size at once: a file read in one piece is not copied again to
        # join its pieces (46 MB of content at scale, read on every run for its digest).
        chunks: list[bytes] = []
        remaining = limit + 1
        size = os.fstat(descriptor).st_size + 1
        while remaining > 0:
            chunk = os.read(descriptor, min(remaining, max(size, _CHUNK)))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    finally:
        os.close(descriptor)
    if remaining <= 0:
        raise FileTooLarge(path, limit)
    return b"".join(chunks)


def read_at(descriptor: int, offset: int, length: int) -> bytes:
    """At most `length` bytes of an open file from `offset` (fewer at its end)."""
    if hasattr(os, "pread"):
        return os.pread(descriptor, length, offset)
    os.lseek(descriptor, offset, os.SEEK_SET)  # pragma: no cover - Windows has no pread
    return os.read(descriptor, length)  # pragma: no cover


def ensure_regular_file(path: Path, mode: int = 0o600) -> None:
    """Create `path` empty if it is missing and check it is a regular file, as a lock file
    must be: filelock opens whatever is there read-write (a FIFO may then wait, a device may
    act) and takes a folder where no file can be made for a lock held by someone else.
    Never follows a link at `path` (filelock refuses one) and never blocks on opening.
    Raises NotRegularFile, RefusedFile for a link, or the OSError that creating it gave."""
    flags = (os.O_RDWR | os.O_CREAT | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
             | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0))
    try:
        descriptor = os.open(path, flags, mode)
    except OSError as error:
        # O_NOFOLLOW's refusal is ELOOP on Linux and macOS, EMLINK on FreeBSD.
        if error.errno in (errno.ELOOP, errno.EMLINK) and path.is_symlink():
            raise RefusedFile(path, "is a symbolic link, not a regular file") from None
        mode_found = _mode_or_none(path)
        if mode_found is not None and not stat.S_ISREG(mode_found):
            raise NotRegularFile(path, mode_found) from None
        raise
    try:
        found = os.fstat(descriptor).st_mode
    finally:
        os.close(descriptor)
    if not stat.S_ISREG(found):
        raise NotRegularFile(path, found)


def _mode_or_none(path: Path) -> int | None:
    try:
        return path.stat().st_mode
    except OSError:
        return None


def remove_leftovers(path: Path, older_than: float = 0.0) -> int:
    """Delete the temporary copies of `path` that writes cut short left behind (a SIGKILL,
    SIGTERM or power cut between creating one and renaming it), those at least `older_than`
    seconds old; the number deleted. Call it only when no write to `path` can be under way
    (holding its lock), or with an age no write takes. Errors are ignored: it only tidies."""
    import time

    prefix, suffix = _temporary_affixes(path)
    cutoff = time.time() - older_than
    removed = 0
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return 0
    for entry in entries:
        if not (entry.name.startswith(prefix) and entry.name.endswith(suffix)):
            continue
        try:
            status = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(status.st_mode) and status.st_mtime <= cutoff:
                Path(entry.path).unlink()
                removed += 1
        except OSError:
            continue
    return removed


def _temporary_affixes(path: Path) -> tuple[str, str]:
    """How atomic_write names its temporary copy of `path`: hidden, beside it, `.tmp`."""
    return f".{path.name}-", ".tmp"


def atomic_write(path: Path, data: bytes | Iterable[bytes], durable: bool = False,
                 make_folders: bool = True, mode: int | None = None) -> None:
    """Replace `path` with `data` (bytes, or parts written in turn, never joined) in one
    step: readers see the old file or the new, never a
    part. `durable` also waits for the disk (quiz history; a cache need not); `make_folders`
    creates missing parent folders (binatsec's own data folders, not a user's --output).
    `mode` gives the file those permissions (a temporary file starts private, 0600).
    Raises OSError."""

    def fill(stream: BinaryIO, _temporary: Path) -> None:
        _write_parts(stream, data)

    _replace(path, fill, durable, make_folders, mode)


def atomic_build(path: Path, build: Callable[[Path], None], make_folders: bool = True,
                 mode: int | None = None) -> None:
    """Replace `path`, in one step as `atomic_write` does, with the file `build` makes at
    the temporary path it is given (an empty file beside `path`): a database its library
    writes where it will stay, never copied. Raises OSError."""

    def fill(_stream: BinaryIO, temporary: Path) -> None:
        build(temporary)

    _replace(path, fill, False, make_folders, mode)


def _replace(path: Path, fill: Callable[[BinaryIO, Path], None], durable: bool,
             make_folders: bool, mode: int | None) -> None:
    import tempfile  # only a write needs it

    if make_folders:
        path.parent.mkdir(parents=True, exist_ok=True)
    prefix, suffix = _temporary_affixes(path)  # so remove_leftovers finds what a kill left
    handle, temporary = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            fill(stream, Path(temporary))
            if mode is not None:
                os.fchmod(stream.fileno(), mode)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        Path(temporary).replace(path)  # os.replace: atomic within one file system
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    if durable:
        _sync_folder(path.parent)


def _write_parts(stream: BinaryIO, data: bytes | Iterable[bytes]) -> None:
    for part in (data,) if isinstance(data, bytes) else data:
        stream.write(part)


def write_output(path: Path, data: bytes | Iterable[bytes],
                 build: Callable[[Path], None] | None = None) -> None:
    """A document the user asked for (`export --output`), bytes or parts written in turn:
    in one step, with the permissions a new file gets (or the file's own), through a
    symbolic link to its target, and straight into what is not a regular file (/dev/stdout,
    a pipe). `build`, if given, makes a regular file in place (`atomic_build`) instead:
    `data` is then never read."""
    # Before resolving: /dev/stdout on a pipe resolves to "/proc/<pid>/fd/pipe:[N]", a
    # name that opens nothing, while the link itself opens the pipe.
    if path.exists() and not path.is_file():
        with path.open("wb") as stream:
            _write_parts(stream, data)
        return
    target = path.resolve()
    if target.exists():
        mode = target.stat().st_mode & 0o7777
    else:
        mask = os.umask(0)
        os.umask(mask)
        mode = 0o666 & ~mask
    if build is None:
        atomic_write(target, data, make_folders=False, mode=mode)
    else:
        atomic_build(target, build, make_folders=False, mode=mode)


class SqliteFileErrors:
    """`with SqliteFileErrors():` SQLite's errors that are its file's (a full disk, an I/O
    error, a file system that will not lock or write) raised as the OSError any other write
    raises, so they are reported as such (exit 1), not as a bug; its other errors as they
    are."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: object) -> Literal[False]:
        import sqlite3

        if not isinstance(error, sqlite3.Error):
            return False
        # The result code from Python 3.11; on 3.10, SQLite's message says as much.
        code = getattr(error, "sqlite_errorcode", None)
        number = (_SQLITE_FILE_ERRORS.get(code & 0xFF) if isinstance(code, int) else
                  next((number for words, number in _SQLITE_FILE_MESSAGES
                        if words in str(error)), None))
        if number is None:
            return False
        raise OSError(number, str(error)) from error


# SQLite's primary result codes that are about its file, and the errno each is.
_SQLITE_FILE_ERRORS = {3: errno.EACCES, 5: errno.EBUSY, 6: errno.EBUSY, 8: errno.EROFS,
                       10: errno.EIO, 13: errno.ENOSPC, 14: errno.ENOENT}
_SQLITE_FILE_MESSAGES = (("disk is full", errno.ENOSPC), ("disk I/O error", errno.EIO),
                         ("is locked", errno.EBUSY), ("readonly database", errno.EROFS),
                         ("unable to open", errno.ENOENT))


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable; not every platform lets a folder be opened."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def prune_least_recent(folder: Path, pattern: str, keep: int) -> None:
    """Remove the files matching `pattern` in `folder` beyond the `keep` most recently used
    (modified: a cache touches an entry it uses). Never fails: a cache is only a speed-up."""
    import contextlib
    import time

    # An entry dated in the future (a clock set wrong once, a copied folder) counts as the
    # oldest: otherwise it would outlive every entry written from now on.
    soon = time.time() + 60

    def last_used(path: Path) -> float:
        used = path.stat().st_mtime
        return used if used <= soon else float("-inf")

    with contextlib.suppress(OSError):
        entries = sorted(folder.glob(pattern), key=last_used)
        for stale in entries[:-keep] if keep else entries:
            stale.unlink(missing_ok=True)
