"""Figures as Excel shows them, with their units read as a person would say them.

A Measures cell stored as 0.85 with the number format ``0%`` is "85%", not "0.85%"; ``0.0``
keeps one decimal place ("20.0"); ``#,##0`` groups thousands. The unit column says what is
counted: "children" gives "18 children", "%" gives "85%", "£" gives "£2,500"; a unit that only
says it is a number ("number", "rate", "count") adds nothing to the figure.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from generator.common.ukdates import number

_PERCENT_UNITS = {"%", "percent", "percentage", "per cent", "%age", "pc"}
#: Units that say only that the figure is a number: printing them says nothing more.
_PLAIN_UNITS = {
    "number", "numbers", "no", "no.", "num", "count", "#", "n", "rate", "ratio", "score",
    "index", "value", "figure", "total", "amount", "level", "quantity", "qty", "integer",
}  # fmt: skip
_MONEY = {"£": "£", "gbp": "£", "pounds": "£", "£k": "£", "£m": "£", "$": "$", "€": "€"}
_MONEY_SUFFIX = {"£k": "k", "£m": "m"}
#: Units whose singular is not the plural less its "s".
_SINGULAR = {"children": "child", "people": "person", "staff": "staff", "families": "family"}
# Quoted text, colours, conditions and the padding/fill codes of a format section.
_DECORATION = re.compile(r'"[^"]*"|\[[^\]]*\]|_.|\*.|\\.')


def excel_number(value: float, code: str) -> str:
    """``value`` as Excel's number format ``code`` shows it (its first section): percentage,
    decimal places and thousands separators; General ("") as boardpack's own figures."""
    plain = _DECORATION.sub("", code.split(";")[0]).strip()
    if not plain or plain.lower() == "general" or not re.search(r"[0#?]", plain):
        return number(value)
    percent = "%" in plain
    shown = value * 100 if percent else value
    digits = plain.split(".", 1)[1] if "." in plain else ""
    places = len(re.match(r"[0#?]*", digits).group()) if digits else 0  # type: ignore[union-attr]
    grouped = "," in plain.split(".")[0]
    # Excel rounds halves away from zero (1234.5 with "#,##0" is 1,235); Python's format
    # would round them to even.
    rounded = Decimal(repr(shown)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{rounded:,.{places}f}" if grouped else f"{rounded:.{places}f}"
    if "#" in digits and places:
        # "#" places show only when needed: 20.10 with "0.0#" is "20.1".
        keep = len(re.match(r"0*", digits).group())  # type: ignore[union-attr]
        whole, _, decimals = text.partition(".")
        decimals = decimals.rstrip("0").ljust(keep, "0")
        text = f"{whole}.{decimals}" if decimals else whole
    currency = next((symbol for symbol in "£$€" if symbol in code), "")
    return f"{currency}{text}{'%' if percent else ''}"


def measure_figure(value: float | str | None, unit: str, code: str = "") -> str:
    """A Measures figure with its unit: "85%", "18 children", "1 child", "£2.5m", "60"."""
    if value is None or value == "":
        return ""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return str(value)
    shown = excel_number(float(value), code) if code else number(value)
    folded = unit.strip().casefold()
    if shown.endswith("%") or not folded or folded in _PLAIN_UNITS:
        return shown
    if folded in _PERCENT_UNITS:
        return f"{shown}%"
    if folded in _MONEY:
        symbol = _MONEY[folded]
        bare = shown.lstrip("£$€")
        return f"{symbol}{bare}{_MONEY_SUFFIX.get(folded, '')}"
    words = unit.strip()
    if value == 1:
        words = _SINGULAR.get(words.casefold(), words[:-1] if _regular_plural(words) else words)
    return f"{shown} {words}"


def _regular_plural(word: str) -> bool:
    """ "days", "weeks", "visits": a plural made by adding "s" (not "ss", not "us")."""
    return len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is"))
