"""The one accessor for bundled data: content files, wherever the package was installed from."""

from __future__ import annotations

import os
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

CONTENT_DIR_ENV = "BINATSEC_CONTENT_DIR"


@cache
def bundled_content() -> Traversable:
    """The folder of bundled content files.

    A wheel carries them inside the package (binatsec/content). An editable install or a
    source checkout does not, so there the repository's top-level content/ folder is used.
    """
    packaged = resources.files("binatsec").joinpath("content")
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "content"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(
        "binatsec's bundled content is missing: reinstall the package (pip install binatsec)"
    )


def overlay_from_environment() -> Path | None:
    value = os.environ.get(CONTENT_DIR_ENV, "").strip()
    return Path(value) if value else None
