"""Turn a statistic's fields into words and convert between units. Pure functions."""

from __future__ import annotations

from collections.abc import Sequence

from binatsec import cldr_es_mx as es_mx
from binatsec.corpus.records import DEFAULT_LANGUAGE, Stat
from binatsec.i18n import N_

KG_PER_LB = 0.45359237  # exact, by the international yard and pound agreement of 1959
MASS_UNITS = ("kg", "lb")
UNIT_SYMBOLS = {"kg": "kg", "lb": "lb"}
# The words people search a unit by ("pounds" finds "1,500 lb"); "$" and "%" are read as
# "dollars" and "percent" wherever text is searched (queries.tokens).
UNIT_NAMES = {"usd": ("dollars", "usd"), "kg": ("kilograms", "kilos", "kg"),
              "lb": ("pounds", "lbs", "lb"), "percent": ("percent", "percentage")}
QUALIFIER_WORDS = {"over": "over", "nearly": "nearly", "about": "about", "exact": ""}
# The same hedges in Mexican Spanish: "más de 10,000 kg", "casi 1,500 lb", "alrededor de ...".
QUALIFIER_WORDS_ES = {"over": "más de", "nearly": "casi", "about": "alrededor de", "exact": ""}
# A table's 'qualifier' column: the article's hedge, or 'exact', in the run's language.
QUALIFIERS = {"over": N_("over"), "nearly": N_("nearly"), "about": N_("about"),
              "exact": N_("exact")}
# How Mexican readers name the dollar in prose ("3,000 millones de dólares"); CLDR's name,
# "dólares estadounidenses", is longer than any Mexican text about the two countries needs.
DOLLAR_ES = {"one": "dólar", "other": "dólares"}


def convert(value: float, unit: str, target: str) -> float:
    """`value` in `unit`, expressed in `target`; only mass converts (kg <-> lb)."""
    if unit == target:
        return value
    if unit == "lb" and target == "kg":
        return value * KG_PER_LB
    if unit == "kg" and target == "lb":
        return value / KG_PER_LB
    # Callers ask only for what `convertible` allows; anything else is a bug, not input.
    raise ValueError(f"cannot convert {unit} to {target}")


def convertible(stat: Stat, target: str) -> bool:
    return stat.unit == target or (stat.unit in MASS_UNITS and target in MASS_UNITS)


def chartable(stats: Sequence[Stat], unit: str | None) -> tuple[list[Stat], str] | None:
    """The largest group of figures that can be drawn on one scale, and that scale's unit.

    Weights come first (in `unit`, or kg), as they convert into each other; otherwise the
    most common unit. None when no two figures share a scale.
    """
    mass = [s for s in stats if s.unit in MASS_UNITS]
    if len(mass) >= 2:
        return mass, unit or "kg"
    by_unit: dict[str, list[Stat]] = {}
    for stat in stats:
        by_unit.setdefault(stat.unit, []).append(stat)
    best = max(by_unit.items(), key=lambda kv: len(kv[1]), default=None)
    if best is None or len(best[1]) < 2:
        return None
    return best[1], best[0]


def _plain_number(value: float) -> str:
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.1f}"


def format_number(value: float) -> str:
    """Numbers as a reader says them: 29,000; 3.9 million; 3 billion."""
    for size, word in ((1_000_000_000, "billion"), (1_000_000, "million")):
        if value >= size:
            scaled = value / size
            return f"{scaled:g} {word}" if round(scaled, 1) == scaled else _plain_number(value)
    return _plain_number(value)


def _plural_es(value: float) -> str:
    """CLDR's plural form in Spanish, of those binatsec's patterns have: 1 is "one"."""
    return "one" if value == 1 else "other"


_SEPARATORS_ES = str.maketrans({",": es_mx.GROUP, ".": es_mx.DECIMAL})


def _plain_number_es(value: float) -> str:
    """A number with es-MX separators (CLDR): 1,500; 29,000; 3.9."""
    text = f"{int(value):,}" if value == int(value) else f"{value:,.1f}"
    if len(str(int(abs(value)))) < 3 + es_mx.MIN_GROUPING:  # CLDR's minimumGroupingDigits
        text = text.replace(",", "")
    return text.translate(_SEPARATORS_ES)


def _number_es(value: float) -> tuple[str, bool]:
    """The number as Mexican readers write it, and whether it ends in "millón"/"millones",
    a noun, which takes "de" before what it counts: "3.9 millones de pastillas". Large
    figures are counted in millions ("3,000 millones"), as the Mexican press writes them."""
    if value >= 1_000_000:
        scaled = value / 1_000_000
        if round(scaled, 1) == scaled:
            return es_mx.MILLION[_plural_es(scaled)].format(_plain_number_es(scaled)), True
    return _plain_number_es(value), False


def _format_amount_es(value: float, unit: str) -> str:
    number, noun = _number_es(value)
    if unit == "usd":
        return f"{number} {'de ' if noun else ''}{DOLLAR_ES[_plural_es(value)]}"
    if unit == "percent":
        return es_mx.PERCENT.format(number)
    if unit in es_mx.UNITS:
        patterns = es_mx.UNITS[unit]
        pattern = patterns.get(_plural_es(value), patterns["other"])
        return pattern.format(f"{number} de" if noun else number)
    return number


def format_amount(value: float, unit: str, language: str = DEFAULT_LANGUAGE) -> str:
    """The number with its unit: "$3 billion", "10,000 kg", "63%", "3.9 million"; in
    Spanish "3,000 millones de dólares", "10,000 kg", "63%", "3.9 millones"."""
    if language == "es":
        return _format_amount_es(value, unit)
    number = format_number(value)
    if unit == "usd":
        return f"${number}"
    if unit == "percent":
        return f"{number}%"
    if unit in UNIT_SYMBOLS:
        return f"{number} {UNIT_SYMBOLS[unit]}"
    return number


def hedged(value: float, unit: str, qualifier: str, language: str = DEFAULT_LANGUAGE) -> str:
    """An amount with the article's hedge: "over 10,000 kg", "about 3.9 million", "63%";
    "más de 10,000 kg", "alrededor de 3.9 millones"."""
    word = (QUALIFIER_WORDS_ES if language == "es" else QUALIFIER_WORDS)[qualifier]
    amount = format_amount(value, unit, language)
    return f"{word} {amount}" if word else amount


def significant(value: float, digits: int = 2) -> float:
    """`value` rounded to `digits` significant figures: 680.388... -> 680, 22046.2... -> 22000."""
    return float(f"{value:.{digits}g}")


def shown_value(stat: Stat, unit: str | None = None) -> float:
    """The number to show in `unit`: the article's own, or a conversion rounded.

    The article's figures are round and hedged ("nearly 1,500 lb"); a conversion to four
    digits ("680.4 kg") would claim a precision the article never had.
    """
    target = unit or stat.unit
    if target == stat.unit:
        return stat.value
    return significant(convert(stat.value, stat.unit, target))


def converted(stat: Stat, unit: str | None) -> bool:
    return unit is not None and unit != stat.unit


def article_note(stat: Stat, unit: str | None = None, language: str = DEFAULT_LANGUAGE) -> str:
    """For a converted figure, what the article itself says: "(1,500 lb in the article)",
    "(1,500 lb según el artículo)"."""
    if not converted(stat, unit):
        return ""
    amount = format_amount(stat.value, stat.unit, language)
    return f"({amount} según el artículo)" if language == "es" else f"({amount} in the article)"


def figure_text(stat: Stat, unit: str | None = None, language: str = DEFAULT_LANGUAGE) -> str:
    """The hedged amount, as the article gives it: "over 10,000 kg", "about 3.9 million";
    converted, rounded and followed by the article's own: "nearly 680 kg (1,500 lb in the
    article)"."""
    target = unit or stat.unit
    text = hedged(shown_value(stat, target), target, stat.qualifier, language)
    note = article_note(stat, target, language)
    return f"{text} {note}" if note else text


def sentence(stat: Stat, language: str = DEFAULT_LANGUAGE, unit: str | None = None) -> str:
    """One line a reader can quote: "Over 10,000 kg of methamphetamine ... (2020)"."""
    amount = figure_text(stat, unit, language)
    # "millón"/"millones" is a noun: "3.9 millones de pastillas", but "15,000 policías".
    counted_in_millions = (language == "es" and (unit or stat.unit) == "count"
                           and _number_es(shown_value(stat, unit))[1])
    text = f"{amount} {'de ' if counted_in_millions else ''}{stat.what.get(language)}"
    when = stat.when_text(language)
    if when:
        text += f" ({when})"
    return text[0].upper() + text[1:]
