"""The one accessor for the JSON Schemas that describe views/json.py's documents.

A wheel carries them inside the package (binatsec/schemas). An editable install or a source
checkout does not, so there the repository's top-level schemas/ folder is used, as
corpus/resources.py does for the content. `binatsec schema` prints them as they are stored,
so their relative `$ref`s (common.schema.json#/$defs/...) keep working beside each other.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

SUFFIX = ".schema.json"


def schema_folder() -> Traversable:
    """The folder of JSON Schema files, wherever binatsec was installed from."""
    from binatsec.corpus.resources import bundled

    return bundled("schemas")


def names() -> list[str]:
    """Every schema's name (`stats`, `quiz-history`, `common`), sorted."""
    return sorted(entry.name.removesuffix(SUFFIX) for entry in schema_folder().iterdir()
                  if entry.name.endswith(SUFFIX))


def text(name: str) -> str:
    """The schema called `name`, exactly as stored."""
    return schema_folder().joinpath(f"{name}{SUFFIX}").read_text(encoding="utf-8")


def title(name: str) -> str:
    """A schema's one-line title: the command whose document it describes."""
    document = json.loads(text(name))
    value = document.get("title", "") if isinstance(document, dict) else ""
    return " ".join(value.split()) if isinstance(value, str) else ""
