"""Number formats: decimal comma and narrow no-break space thousands in nb."""

from __future__ import annotations

import math

NNBSP = "\u202f"  # narrow no-break space: Norwegian thousands separator
NBSP = "\u00a0"


def fmt_number(x: float | int | None, lang: str, decimals: int = 1) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    s = f"{x:,.{decimals}f}"
    if lang == "nb":
        s = s.replace(",", "\x00").replace(".", ",").replace("\x00", NNBSP).replace("-", "\u2212")
    return s


def fmt_value(x: float | None, lang: str) -> str:
    """A measured value with as many decimals as it carries (at most 2)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    decimals = 0 if float(x).is_integer() else (1 if round(x, 1) == round(x, 2) else 2)
    return fmt_number(x, lang, decimals)


def fmt_pct(x: float | None, lang: str, decimals: int = 1) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return f"{fmt_number(x, lang, decimals)}{NBSP}%"


def fmt_signed(x: float | None, lang: str, pct: bool = False) -> str:
    """A change with its sign always shown (+1,5 / −0,3)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    text = fmt_pct(abs(x), lang) if pct else fmt_value(abs(x), lang)
    if x > 0:
        return "+" + text
    if x < 0:
        return ("\u2212" if lang == "nb" else "-") + text
    return text


def year_text(year: object, basis: object, lang: str) -> str:
    """The year as it may be read: ``2021``, or ``rapportert 2021`` / ``reported 2021`` when it is only the year of
    the report the value comes from (``year_basis`` = ``report``), never "in 2021"."""
    try:
        y = str(int(year))
    except (TypeError, ValueError):
        return "–"
    if str(basis) == "report":
        return ("rapportert " if lang == "nb" else "reported ") + y
    return y


def year_label(year: object, basis: object, lang: str) -> str:
    """The chosen year for headings and sentences: the year, or a ReportYear when only the report's year is known."""
    from .i18n import ReportYear

    if year is None:
        return "–"
    return ReportYear(year_text(year, basis, lang)) if str(basis) == "report" else str(year)
