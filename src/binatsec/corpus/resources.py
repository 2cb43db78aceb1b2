"""The one accessor for bundled data: content files, wherever the package was installed from."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

CONTENT_DIR_ENV = "BINATSEC_CONTENT_DIR"


@cache
def bundled_content() -> Traversable:
    """The folder of bundled content files.

    A wheel carries them inside the package (binatsec/content). An editable install or a
    source checkout does not, so there the repository's top-level content/ folder is used.
    """
    # Plain folders first: importlib.resources costs a few milliseconds of imports (zipfile
    # and friends) on every run, and is needed only when the package is zipped.
    here = Path(__file__).resolve()
    for folder in (here.parents[1] / "content", here.parents[3] / "content"):
        if folder.is_dir():
            return folder
    from importlib import resources

    packaged = resources.files("binatsec").joinpath("content")
    if packaged.is_dir():
        return packaged
    raise FileNotFoundError(
        "binatsec's bundled content is missing: reinstall the package (pip install binatsec)"
    )
