"""Frozen record classes, declared like `typing.NamedTuple`, made cheaply at start-up.

binatsec declares some thirty record and result classes, and every run creates them before
doing anything. `typing.NamedTuple` checks each field's annotation and `collections.namedtuple`
compiles a constructor with `eval`: about 0.3 and 0.1 ms a class on this project's machines,
some 5 ms a run in all. A class declared `class Stat(Frozen)` is the same kind of value (a
tuple subclass with named, read-only fields, defaults, `_fields`, `_asdict`, `_replace`,
`_make`, equality and hashing as a tuple), made with one shared constructor instead; type
checkers read it as a `typing.NamedTuple`. tests/test_frozen.py holds the two to the same
behaviour.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from operator import itemgetter
from typing import TYPE_CHECKING, Any, ClassVar

__all__ = ["Frozen", "building_many", "one_command"]

if TYPE_CHECKING:
    from typing import NamedTuple as Frozen
else:
    try:  # the C accessor namedtuple itself uses; a property is the portable stand-in
        from collections import _tuplegetter
    except ImportError:  # pragma: no cover - other Python implementations
        def _tuplegetter(index: int, doc: str) -> property:
            return property(itemgetter(index), doc=doc)

    # What a class body holds besides its fields and methods: not copied onto the class.
    _BOOKKEEPING = frozenset({"__annotations__", "__module__", "__qualname__", "__orig_bases__",
                              "__static_attributes__", "__firstlineno__", "__classcell__",
                              "__slots__"})

    class _FrozenTuple(tuple):
        """What every Frozen class shares, as `collections.namedtuple` gives it."""

        __slots__ = ()
        _fields: tuple[str, ...] = ()
        _field_defaults: ClassVar[dict[str, Any]] = {}

        @classmethod
        def _make(cls, iterable: Iterable[Any]) -> Any:
            made = tuple.__new__(cls, iterable)
            if len(made) != len(cls._fields):
                raise TypeError(f"expected {len(cls._fields)} values, got {len(made)}")
            return made

        def _replace(self, **changes: Any) -> Any:
            values = [changes.pop(name, value)
                      for name, value in zip(self._fields, self, strict=True)]
            if changes:
                raise ValueError(f"got unexpected field names: {list(changes)!r}")
            return tuple.__new__(type(self), values)

        def _asdict(self) -> dict[str, Any]:
            return dict(zip(self._fields, self, strict=True))

        def __repr__(self) -> str:
            fields = ", ".join(f"{name}={value!r}"
                               for name, value in zip(self._fields, self, strict=True))
            return f"{type(self).__name__}({fields})"

        def __getnewargs__(self) -> tuple[Any, ...]:
            return tuple(self)

    def _constructor(fields: tuple[str, ...], defaults: dict[str, Any]) -> Any:
        count = len(fields)

        def __new__(cls: type, *args: Any, **kwargs: Any) -> Any:
            if len(args) == count and not kwargs:
                return tuple.__new__(cls, args)
            if len(args) > count:
                raise TypeError(f"{cls.__name__}() takes {count} arguments, got {len(args)}")
            values = list(args)
            for name in fields[len(args):]:
                if name in kwargs:
                    values.append(kwargs.pop(name))
                elif name in defaults:
                    values.append(defaults[name])
                else:
                    raise TypeError(f"{cls.__name__}() missing required argument: '{name}'")
            if kwargs:
                raise TypeError(f"{cls.__name__}() got unexpected or repeated arguments: "
                                f"{', '.join(kwargs)}")
            return tuple.__new__(cls, values)

        return __new__

    class _FrozenMaker(type):
        def __new__(mcls, name: str, bases: tuple[type, ...], namespace: dict[str, Any]) -> Any:
            if not bases:  # Frozen itself
                return super().__new__(mcls, name, bases, namespace)
            annotations = namespace.get("__annotations__", {})
            fields = tuple(annotations)
            defaults = {field: namespace[field] for field in fields if field in namespace}
            body = {key: value for key, value in namespace.items()
                    if key not in fields and key not in _BOOKKEEPING}
            body.update(__slots__=(), __module__=namespace["__module__"], _fields=fields,
                    _field_defaults=defaults,
                        __annotations__=annotations, __new__=_constructor(fields, defaults),
                        __match_args__=fields)
            for index, field in enumerate(fields):
                body[field] = _tuplegetter(index, f"Alias for field number {index}")
            made = type(name, (_FrozenTuple,), body)
            made.__qualname__ = namespace["__qualname__"]
            return made

    class Frozen(metaclass=_FrozenMaker):
        """Subclass this, with annotated fields, as you would `typing.NamedTuple`."""


@contextmanager
def building_many() -> Iterator[None]:
    """Pause the cyclic garbage collector while tens of thousands of records are made.

    Each record is a tuple the collector tracks, and each full collection walks every one
    made so far: at 70,000 records that was a fifth of a search, and what made its time
    grow faster than the records. Records, their texts and the parsed tables they come
    from hold no cycles (refcounting frees them), so nothing is lost by waiting (Mercurial's
    `nogc`). In a run of the command line (see `one_command`), what exists once they are
    made is then frozen (gc.freeze): later collections walk only what is made after.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if _one_command:
                gc.freeze()
            gc.enable()


_one_command = False


def one_command() -> None:
    """Say this process ends with its command (the console script): what is frozen after
    building is never collected, which costs nothing in a process about to end, but in one
    that goes on (a test run, a program using binatsec) cycles among it could hold files
    open for good. Unfrozen, each full collection walks every record again: 0.14 s of a
    search at 70,000 records."""
    global _one_command
    _one_command = True
