"""Figures worded in Mexican Spanish from the same data as the English: the hedge from the
qualifier, separators, "millones" and units from CLDR's es-MX data (src/binatsec/cldr_es_mx.py,
generated from Babel), and the very number the English gives."""

from __future__ import annotations

import re

import pytest

from binatsec import figures
from binatsec.corpus.records import QUALIFIERS, UNITS, Corpus, Stat, Text
from binatsec.devtools import cldr


def _stat(value: float, unit: str, qualifier: str, what: str = "de algo", **more: object) -> Stat:
    return Stat(id="stat.x", category="c", label=Text("x", "x"), what=Text("of something", what),
                value=value, unit=unit, qualifier=qualifier, **more)  # type: ignore[arg-type]


def test_the_es_mx_table_is_what_cldr_says() -> None:
    """The table binatsec reads at run time (Babel itself is too slow to import there) is
    exactly what `python -m binatsec.devtools.cldr` writes from Babel's CLDR data."""
    pytest.importorskip("babel")
    assert cldr.TARGET.read_text(encoding="utf-8") == cldr.render(), (
        f"run `{cldr.COMMAND}` and review the diff")


def test_amounts_read_as_babel_writes_them_for_es_mx() -> None:
    numbers = pytest.importorskip("babel.numbers")
    units = pytest.importorskip("babel.units")
    for value in (800, 1500, 2000, 10000, 15000, 29000, 680, 22000, 3.5):
        assert figures.format_amount(value, "count", "es") == numbers.format_decimal(
            value, locale="es_MX")
        assert figures.format_amount(value, "kg", "es") == units.format_unit(
            value, "mass-kilogram", "short", locale="es_MX")
        assert figures.format_amount(value, "lb", "es") == units.format_unit(
            value, "mass-pound", "short", locale="es_MX")
    assert figures.format_amount(63, "percent", "es") == numbers.format_percent(
        0.63, locale="es_MX")
    for value in (1_000_000, 3_900_000):
        assert figures.format_amount(value, "count", "es") == numbers.format_compact_decimal(
            value, format_type="long", locale="es_MX", fraction_digits=1)


@pytest.mark.parametrize(("value", "unit", "expected"), [
    (3_000_000_000, "usd", "3,000 millones de dólares"),
    (1_000_000, "usd", "1 millón de dólares"),
    (500, "usd", "500 dólares"),
    (1, "usd", "1 dólar"),
    (10_000, "kg", "10,000 kg"),
    (1_500, "lb", "1,500 lb"),
    (2_500_000, "kg", "2.5 millones de kg"),
    (63, "percent", "63%"),
    (3_900_000, "count", "3.9 millones"),
    (1_000_000, "count", "1 millón"),
    (29_000, "count", "29,000"),
    (800, "count", "800"),
    (3_912_345, "count", "3,912,345"),
    (680.4, "kg", "680.4 kg"),
])
def test_format_amount_in_spanish(value: float, unit: str, expected: str) -> None:
    assert figures.format_amount(value, unit, "es") == expected


@pytest.mark.parametrize(("qualifier", "hedge"), [
    ("over", "Más de "), ("nearly", "Casi "), ("about", "Alrededor de "), ("exact", ""),
])
@pytest.mark.parametrize(("value", "unit", "what", "amount"), [
    (3_000_000_000, "usd", "destinados a algo", "3,000 millones de dólares destinados a algo"),
    (10_000, "kg", "de metanfetamina", "10,000 kg de metanfetamina"),
    (1_500, "lb", "de fentanilo en polvo", "1,500 lb de fentanilo en polvo"),
    (63, "percent", "de los estadounidenses", "63% de los estadounidenses"),
    (15_000, "count", "policías", "15,000 policías"),
    (3_900_000, "count", "pastillas", "3.9 millones de pastillas"),
    (1_000_000, "count", "detenciones", "1 millón de detenciones"),
])
def test_spanish_sentences_for_every_qualifier_and_unit(
    qualifier: str, hedge: str, value: float, unit: str, what: str, amount: str,
) -> None:
    stat = _stat(value, unit, qualifier, what, year=2020)
    expected = f"{hedge}{amount} (2020)"
    assert figures.sentence(stat, "es") == expected[0].upper() + expected[1:]


def test_every_qualifier_and_unit_has_a_spanish_wording() -> None:
    assert set(figures.QUALIFIER_WORDS_ES) == set(QUALIFIERS)
    for unit in UNITS:
        assert figures.format_amount(2000, unit, "es")


def test_a_converted_figure_names_the_articles_own_in_spanish() -> None:
    stat = _stat(1500, "lb", "nearly", "de fentanilo en polvo", year=2020)
    assert figures.figure_text(stat, "kg", "es") == "casi 680 kg (1,500 lb según el artículo)"
    assert figures.sentence(stat, "es", "kg") == (
        "Casi 680 kg (1,500 lb según el artículo) de fentanilo en polvo (2020)")


def _value(text: str) -> float:
    """The number a wording gives, in either language: "3.9 million" / "3.9 millones",
    "$3 billion" / "3,000 millones de dólares", "63%"."""
    match = re.search(r"(\d[\d,]*(?:\.\d+)?)\s*(billion|million|millones|millón)?", text)
    assert match, text
    number = float(match.group(1).replace(",", ""))
    scale = {"billion": 1e9, "million": 1e6, "millones": 1e6, "millón": 1e6}
    return number * scale.get(match.group(2) or "", 1)


def test_every_bundled_figure_keeps_its_exact_value_in_spanish(corpus: Corpus) -> None:
    """The number a Spanish reader sees is the English one's value, and the article's; the
    hedge is the same qualifier's."""
    for stat in corpus.stats:
        for unit in (None, "kg", "lb"):
            if unit and not figures.convertible(stat, unit):
                continue
            english = figures.figure_text(stat, unit)
            spanish = figures.figure_text(stat, unit, "es")
            assert _value(spanish) == _value(english) == figures.shown_value(stat, unit), stat.id
            assert spanish.startswith(figures.QUALIFIER_WORDS_ES[stat.qualifier]), stat.id
        sentence = figures.sentence(stat, "es")
        assert stat.what.es and stat.what.es in sentence, stat.id
        assert _value(sentence) == stat.value, stat.id


def test_the_bundled_spanish_figures_read_as_a_mexican_reader_writes_them(
    corpus: Corpus,
) -> None:
    sentences = {stat.id: figures.sentence(stat, "es") for stat in corpus.stats}
    assert sentences["stat.merida-funding"].startswith(
        "Más de 3,000 millones de dólares destinados a la Iniciativa Mérida (desde 2008)")
    assert sentences["stat.fentanyl-pills-2020"].startswith(
        "Alrededor de 3.9 millones de pastillas de fentanilo")
    assert sentences["stat.fentanyl-powder-2020"].startswith("Casi 1,500 lb de fentanilo")
    assert sentences["stat.meth-seizures-2020"].startswith("Más de 10,000 kg de metanfetamina")
    assert sentences["stat.border-apprehensions-2019"].startswith(
        "Más de 1 millón de detenciones")
    assert sentences["stat.public-support-2021"].startswith("63% de los estadounidenses")


def test_english_wording_is_unchanged_by_default(corpus: Corpus) -> None:
    stat = next(s for s in corpus.stats if s.id == "stat.merida-funding")
    assert figures.sentence(stat) == figures.sentence(stat, "en")
    assert figures.figure_text(stat) == "over $3 billion"
    assert figures.format_amount(63, "percent") == "63%"


def test_figures_import_no_babel() -> None:
    """Babel is read when the table is generated, never when binatsec runs."""
    import subprocess
    import sys
    code = "import sys, binatsec.figures; print('babel' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
