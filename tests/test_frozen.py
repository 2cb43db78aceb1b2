"""Frozen classes behave as typing.NamedTuple does, for everything binatsec relies on."""

from __future__ import annotations

import pickle
from typing import NamedTuple

import pytest

from binatsec.corpus.records import Stat, Text
from binatsec.frozen import Frozen


class Plain(NamedTuple):
    id: str
    count: int
    note: str | None = None
    links: tuple[str, ...] = ()

    def shout(self) -> str:
        return self.id.upper()


class Quick(Frozen):
    id: str
    count: int
    note: str | None = None
    links: tuple[str, ...] = ()

    def shout(self) -> str:
        return self.id.upper()


@pytest.mark.parametrize("args", [("a", 1), ("a", 1, "n"), ("a", 1, "n", ("x",))])
def test_construction_fields_and_defaults_match(args: tuple[object, ...]) -> None:
    plain, quick = Plain(*args), Quick(*args)  # type: ignore[arg-type]
    assert tuple(plain) == tuple(quick) and quick == plain
    assert quick._asdict() == plain._asdict()
    assert Quick._fields == Plain._fields
    assert Quick._field_defaults == Plain._field_defaults
    assert repr(quick) == repr(plain).replace("Plain", "Quick")
    assert hash(quick) == hash(plain)
    assert quick.shout() == plain.shout()


def test_keywords_replace_and_make() -> None:
    quick = Quick(id="a", count=2, links=("x",))
    assert (quick.id, quick.count, quick.note, quick.links) == ("a", 2, None, ("x",))
    assert quick._replace(count=3) == Quick("a", 3, None, ("x",))
    assert type(quick._replace(count=3)) is Quick
    assert Quick._make(["b", 1, None, ()]) == Quick("b", 1)
    with pytest.raises(ValueError):
        quick._replace(colour="red")
    with pytest.raises(TypeError):
        Quick._make(["b"])


@pytest.mark.parametrize(("args", "kwargs"), [
    ((), {}), (("a",), {}), (("a", 1, None, (), "extra"), {}), (("a", 1), {"colour": "red"}),
    (("a", 1), {"id": "again"}),
])
def test_wrong_arguments_are_type_errors(args: tuple[object, ...],
                                         kwargs: dict[str, object]) -> None:
    with pytest.raises(TypeError):
        Plain(*args, **kwargs)  # type: ignore[arg-type, call-arg, misc]
    with pytest.raises(TypeError):
        Quick(*args, **kwargs)  # type: ignore[arg-type, call-arg, misc]


def test_fields_are_read_only_and_instances_have_no_dict() -> None:
    quick = Quick("a", 1)
    with pytest.raises(AttributeError):
        quick.id = "b"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        quick.colour = "red"  # type: ignore[attr-defined]


def test_records_pickle_and_match() -> None:
    stat = Stat("stat.x", "c", Text("label"), Text("what"), 1.0, "kg", "over")
    assert pickle.loads(pickle.dumps(stat)) == stat
    match stat:
        case Stat(id=found, unit="kg"):
            assert found == "stat.x"
        case _:
            pytest.fail("keyword patterns match fields")


def test_building_many_pauses_the_collector_and_gives_it_back() -> None:
    """Off while records are made, on again after (even when the making fails), and left
    off if it was off: a caller that turned it off keeps it so."""
    import gc

    from binatsec.frozen import building_many

    assert gc.isenabled()
    with building_many():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), building_many():
        raise ValueError("a damaged blob")
    assert gc.isenabled()
    gc.disable()
    try:
        with building_many():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_only_a_run_of_the_command_line_freezes_what_it_built(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """gc.freeze after building, in the console script only (frozen.one_command): in a
    process that goes on, as this test run, frozen cycles would never be collected."""
    import gc

    from binatsec import frozen

    frozen_calls: list[int] = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen_calls.append(1))
    with frozen.building_many():
        pass
    assert frozen_calls == []
    monkeypatch.setattr(frozen, "_one_command", True)
    with frozen.building_many():
        pass
    assert frozen_calls == [1] and gc.isenabled()
