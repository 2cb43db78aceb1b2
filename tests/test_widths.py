"""Issue 11: at every width from 20 to 200 columns, no id and no value is ever cut or split.

People copy ids (`stat.fentanyl-pills-2020`) and read values (`$3 billion`) from the
screen; a table that folds them into `stat.meri…` or `$3` / `billion` gives them something
that is not in the content. Runs in-process through CliRunner, every command, every width.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from binatsec.corpus import kinds
from conftest import Run

WIDTHS = range(20, 201, 4)
COMMANDS = [[], *([kind.name] for kind in kinds.sections()), ["faq", "merida"],
            ["faq", "faq.merida-funding"], ["stats", "funding"],
            ["stats", "seizures", "--unit", "kg"], ["stats", "seizures", "--unit", "lb"],
            ["pillars", "2"], ["timeline", "--from", "2017"], ["search", "drug"],
            ["search", "fentanyl"], ["stats", "seizures", "--chart"]]


def _values(document: Any) -> Iterator[str]:
    """Each figure's value as the table shows it: '$3 billion', '680 kg'."""
    for item in document.get("items", []):
        if "unit" in item and "value" in item and item.get("text"):
            yield re.sub(r"^(over|nearly|about) ", "", item["text"].split(" (")[0])


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a) or "overview")
def test_every_id_and_value_is_whole_at_every_width(cli: Callable[..., Run],
                                                    args: list[str]) -> None:
    document = cli(*args, "--json").json()
    if args[:1] == ["search"]:
        wanted = {hit["id"] for hit in document["items"]}
    elif args == []:
        wanted = set()
    else:
        wanted = {item["id"] for item in document.get("items", [])}
    values = set(_values(document)) if args[:1] == ["stats"] else set()
    for width in WIDTHS:
        result = cli(*args, env={"COLUMNS": str(width), "NO_COLOR": "1"})
        assert result.exit_code == 0, (width, result.stderr)
        lines = result.stdout.splitlines()
        for record_id in wanted:
            assert any(re.search(rf"(^|[\s(]){re.escape(record_id)}($|[\s)])", line)
                       for line in lines), (width, record_id)
        for value in values:
            assert any(value in line for line in lines), (width, value)
        if args == []:
            for kind in kinds.sections():
                assert kind.name in result.stdout.split(), width


SPANISH = [["faq"], ["myths"], ["timeline"], ["pillars"], ["sources"], ["search", "droga"],
           ["search", "fentanilo"]]


@pytest.mark.parametrize("args", SPANISH, ids=" ".join)
@pytest.mark.parametrize("width", [20, 80])
def test_spanish_output_keeps_every_id_whole(cli: Callable[..., Run], args: list[str],
                                            width: int) -> None:
    """Under --lang es the headings and labels are Spanish, and the ids (which are not
    translated) are still whole at a narrow and a usual width."""
    document = cli("--lang", "es", *args, "--json").json()
    wanted = {item["id"] for item in document["items"]}
    assert wanted, args
    result = cli("--lang", "es", *args, env={"COLUMNS": str(width), "NO_COLOR": "1"})
    assert result.exit_code == 0, (width, result.stderr)
    lines = result.stdout.splitlines()
    for record_id in wanted:
        assert any(re.search(rf"(^|[\s(]){re.escape(record_id)}($|[\s)])", line)
                   for line in lines), (width, record_id)
    english = cli(*args, env={"COLUMNS": str(width), "NO_COLOR": "1"}).stdout
    assert result.stdout != english  # it is the Spanish run, not the English one
