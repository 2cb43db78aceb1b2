"""Frozen record classes, declared like `typing.NamedTuple` but built by `collections.namedtuple`.

`typing.NamedTuple` checks every field's annotation when it creates a class, about 0.2 ms a
class on this project's machines; binatsec declares some thirty record and result classes and
every run paid for them at start-up. A class declared `class Stat(Frozen)` is the very same
kind of tuple (fields, defaults, `_asdict`, `_replace`, immutability, equality), made
without that check; type checkers read it as a `typing.NamedTuple`.
"""

from __future__ import annotations

import collections
from typing import TYPE_CHECKING, Any

__all__ = ["Frozen"]

if TYPE_CHECKING:
    from typing import NamedTuple as Frozen
else:
    # What a class body holds besides its fields and methods: not copied onto the tuple.
    _BOOKKEEPING = frozenset({"__annotations__", "__module__", "__qualname__", "__orig_bases__",
                              "__static_attributes__", "__firstlineno__", "__classcell__"})

    class _FrozenMaker(type):
        def __new__(mcls, name: str, bases: tuple[type, ...], namespace: dict[str, Any]) -> Any:
            if not bases:  # Frozen itself
                return super().__new__(mcls, name, bases, namespace)
            fields = tuple(namespace.get("__annotations__", {}))
            defaults = [namespace[field] for field in fields if field in namespace]
            made = collections.namedtuple(name, fields, defaults=defaults,
                                          module=namespace["__module__"])
            for key, value in namespace.items():
                if key not in fields and key not in _BOOKKEEPING:
                    setattr(made, key, value)
            made.__qualname__ = namespace["__qualname__"]
            made.__annotations__ = namespace.get("__annotations__", {})
            return made

    class Frozen(metaclass=_FrozenMaker):
        """Subclass this, with annotated fields, as you would `typing.NamedTuple`."""
