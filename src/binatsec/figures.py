"""Turn a statistic's fields into words and convert between units. Pure functions."""

from __future__ import annotations

from collections.abc import Sequence

from binatsec.corpus.records import DEFAULT_LANGUAGE, Stat

KG_PER_LB = 0.45359237  # exact, by the international yard and pound agreement of 1959
MASS_UNITS = ("kg", "lb")
UNIT_SYMBOLS = {"kg": "kg", "lb": "lb"}
# The words people search a unit by ("pounds" finds "1,500 lb"); "$" and "%" are read as
# "dollars" and "percent" wherever text is searched (queries.tokens).
UNIT_NAMES = {"usd": ("dollars", "usd"), "kg": ("kilograms", "kilos", "kg"),
              "lb": ("pounds", "lbs", "lb"), "percent": ("percent", "percentage")}
QUALIFIER_WORDS = {"over": "over", "nearly": "nearly", "about": "about", "exact": ""}


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


def format_amount(value: float, unit: str) -> str:
    """The number with its unit: "$3 billion", "10,000 kg", "63%", "3.9 million"."""
    number = format_number(value)
    if unit == "usd":
        return f"${number}"
    if unit == "percent":
        return f"{number}%"
    if unit in UNIT_SYMBOLS:
        return f"{number} {UNIT_SYMBOLS[unit]}"
    return number


def hedged(value: float, unit: str, qualifier: str) -> str:
    """An amount with the article's hedge: "over 10,000 kg", "about 3.9 million", "63%"."""
    word = QUALIFIER_WORDS[qualifier]
    amount = format_amount(value, unit)
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


def article_note(stat: Stat, unit: str | None = None) -> str:
    """For a converted figure, what the article itself says: "(1,500 lb in the article)"."""
    if not converted(stat, unit):
        return ""
    return f"({format_amount(stat.value, stat.unit)} in the article)"


def figure_text(stat: Stat, unit: str | None = None) -> str:
    """The hedged amount, as the article gives it: "over 10,000 kg", "about 3.9 million";
    converted, rounded and followed by the article's own: "nearly 680 kg (1,500 lb in the
    article)"."""
    target = unit or stat.unit
    text = hedged(shown_value(stat, target), target, stat.qualifier)
    note = article_note(stat, target)
    return f"{text} {note}" if note else text


def sentence(stat: Stat, language: str = DEFAULT_LANGUAGE, unit: str | None = None) -> str:
    """One line a reader can quote: "Over 10,000 kg of methamphetamine ... (2020)"."""
    text = f"{figure_text(stat, unit)} {stat.what.get(language)}"
    when = stat.when_text(language)
    if when:
        text += f" ({when})"
    return text[0].upper() + text[1:]
