"""The one accessor for bundled data (content files, JSON Schemas), wherever the package was
installed from."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

CONTENT_DIR_ENV = "BINATSEC_CONTENT_DIR"


@cache
def bundled(name: str) -> Traversable:
    """A bundled folder (`content`, `schemas`).

    A wheel carries it inside the package (binatsec/NAME). An editable install or a source
    checkout does not, so there the repository's top-level NAME/ folder is used.
    """
    # Plain folders first: importlib.resources costs a few milliseconds of imports (zipfile
    # and friends) on every run, and is needed only when the package is zipped.
    here = Path(__file__).resolve()
    for folder in (here.parents[1] / name, here.parents[3] / name):
        if folder.is_dir():
            return folder
    from importlib import resources

    packaged = resources.files("binatsec").joinpath(name)
    if packaged.is_dir():
        return packaged
    raise FileNotFoundError(
        f"binatsec's bundled {name} is missing: reinstall the package (pip install binatsec)")


def bundled_content() -> Traversable:
    """The folder of bundled content files."""
    return bundled("content")
