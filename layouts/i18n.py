"""Interface text in Bokmål (default) and English, and the lookup ``t``.

The text lives in gettext catalogues a translator can edit,
``layouts/locale/<lang>/LC_MESSAGES/messages.po`` (msgid = a key such as
``nav.label``), read once with Babel. An entry with plural forms is chosen by
its count through the catalogue's own ``Plural-Forms`` rule: "1 rad" /
"2 rader", "1 year" / "2 years".
"""

from __future__ import annotations

import functools
import gettext
import io
from importlib import resources

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGS = ("nb", "en")
LOCALE_DIR = resources.files("layouts") / "locale"

Entry = str | tuple[str, ...]  # one text, or one text per plural form


@functools.cache
def _load(lang: str) -> tuple[dict[str, Entry], gettext.GNUTranslations]:
    """The catalogue of ``lang`` as {key: text or plural forms}, and its plural rule (via gettext)."""
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalogue = read_po(f, locale=lang)
    entries: dict[str, Entry] = {}
    for message in catalogue:
        if not message.id:
            continue  # the header
        if message.pluralizable:
            entries[message.id[0]] = tuple(message.string)
        else:
            entries[message.id] = message.string
    buffer = io.BytesIO()
    write_mo(buffer, catalogue)
    buffer.seek(0)
    return entries, gettext.GNUTranslations(buffer)


# {lang: {key: text or plural forms}}, read once when the module is first imported (about 0.1 s for both)
CATALOGUES: dict[str, dict[str, Entry]] = {lang: _load(lang)[0] for lang in LANGS}


class ReportYear(str):
    """A year that is only the year of a report ("rapportert 2020" / "reported 2020"): never written as "in 2020"."""


def plural_index(lang: str, count: int) -> int:
    """Which plural form of ``lang`` a count takes (the catalogue's Plural-Forms rule)."""
    return _load(lang if lang in LANGS else "nb")[1].plural(count)


def t(key: str, lang: str, count: int | None = None, **kwargs: object) -> str:
    """The text for ``key`` in ``lang`` (Bokmål when the language is unknown).

    A plural entry takes its form from ``count``, or from ``n`` when that is a whole number.
    """
    lang = lang if lang in LANGS else "nb"
    text = CATALOGUES[lang].get(key)
    if text is None:
        text = CATALOGUES["nb"][key]  # KeyError on a key missing everywhere: a bug
    if isinstance(text, tuple):
        if count is None:
            count = kwargs.get("n")
        if not isinstance(count, int):
            raise TypeError(f"{key} has plural forms: pass count= (or n= as a whole number)")
        text = text[min(plural_index(lang, count), len(text) - 1)]
    if isinstance(kwargs.get("year"), ReportYear):  # "for Karmøy (rapportert 2020)", never "for Karmøy i 2020"
        text = text.replace(" i {year}", " ({year})").replace(" in {year}", " ({year})")
    return text.format(**kwargs) if kwargs else text


TREND_SYMBOLS = {"improving": "▲", "stagnating": "►", "worsening": "▼", "unknown": "?"}
BAND_SYMBOLS = {1: "○", 2: "◔", 3: "◕", 4: "●"}
BAND_COLOURS = {1: "#b2182b", 2: "#e08214", 3: "#5e9fd0", 4: "#1b5a9c"}
