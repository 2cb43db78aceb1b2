"""Writing files so that nothing is ever half-written: the one atomic write binatsec uses."""

from __future__ import annotations

import os
from pathlib import Path


def atomic_write(path: Path, data: bytes, durable: bool = False,
                 make_folders: bool = True, mode: int | None = None) -> None:
    """Replace `path` with `data` in one step: readers see the old file or the new, never a
    part. `durable` also waits for the disk (quiz history; a cache need not); `make_folders`
    creates missing parent folders (binatsec's own data folders, not a user's --output).
    `mode` gives the file those permissions (a temporary file starts private, 0600).
    Raises OSError."""
    import tempfile  # only a write needs it

    if make_folders:
        path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
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


def write_output(path: Path, data: bytes) -> None:
    """A document the user asked for (`export --output`): written whole and in one step, with
    the permissions a new file gets (or the file's own), through a symbolic link to its
    target, and straight into what is not a regular file (/dev/stdout, a pipe)."""
    target = path.resolve()
    if target.exists() and not target.is_file():
        with target.open("wb") as stream:
            stream.write(data)
        return
    if target.exists():
        mode = target.stat().st_mode & 0o7777
    else:
        mask = os.umask(0)
        os.umask(mask)
        mode = 0o666 & ~mask
    atomic_write(target, data, make_folders=False, mode=mode)


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
