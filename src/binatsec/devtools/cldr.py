"""Write the es-MX number data binatsec words figures with, from CLDR through Babel.

    python -m binatsec.devtools.cldr           # rewrite src/binatsec/cldr_es_mx.py
    python -m binatsec.devtools.cldr --check   # exit 1 if it differs from what Babel gives

Figures are worded from CLDR's es-MX data (separators, the percent pattern, "millón" and
"millones", unit patterns) rather than hand-made rules, but importing Babel and loading a
locale costs about 30 ms, more than the start-up budget allows (benchmarks/startup.py), and
would make Babel a run-time dependency. The few values binatsec uses are written once into a
small module instead; tests/test_figures_es.py fails when it no longer matches Babel.
"""

from __future__ import annotations

import sys
from pathlib import Path

COMMAND = "python -m binatsec.devtools.cldr"
LOCALE = "es_MX"
TARGET = Path(__file__).resolve().parents[1] / "cldr_es_mx.py"
UNITS = {"kg": "mass-kilogram", "lb": "mass-pound"}


def _pattern(number_pattern: str) -> str:
    """A CLDR number pattern ("#,##0%", "0 millones") as a format string ("{0}%")."""
    for digits in ("#,##0.###", "#,##0", "0"):
        if digits in number_pattern:
            return number_pattern.replace(digits, "{0}", 1)
    raise ValueError(f"no number in the pattern {number_pattern!r}")


def render() -> str:
    """The module's text, from Babel's copy of CLDR."""
    from babel import Locale
    from babel.numbers import format_decimal

    locale = Locale.parse(LOCALE)
    symbols = locale.number_symbols["latn"]
    million = locale.compact_decimal_formats["long"]
    patterns = locale._data["unit_patterns"]
    units = {unit: {form: text for form, text in patterns[key]["short"].items()
                    if form in ("one", "other")}
             for unit, key in UNITS.items()}
    lines = [
        f'"""Generated from CLDR\'s {LOCALE} data, through Babel, by\n`{COMMAND}`; do not edit."""',
        "",
        f"DECIMAL = {symbols['decimal']!r}",
        f"GROUP = {symbols['group']!r}",
        "# Digits a number needs before its thousands are grouped (1,500 or 1500).",
        f"MIN_GROUPING = {1 if symbols['group'] in format_decimal(1000, locale=locale) else 2}",
        f"PERCENT = {_pattern(locale.percent_formats[None].pattern)!r}",
        "# Millions by plural form: 1 millón, 3.9 millones, 3,000 millones.",
        f"MILLION = {{'one': {_pattern(million['one']['1000000'].pattern)!r}, "
        f"'other': {_pattern(million['other']['1000000'].pattern)!r}}}",
        f"UNITS = {units!r}",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        stale = TARGET.read_text(encoding="utf-8") != text
        if stale:
            print(f"{TARGET.name} differs from CLDR's data; run `{COMMAND}`", file=sys.stderr)
        return int(stale)
    TARGET.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
