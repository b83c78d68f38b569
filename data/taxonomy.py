"""Names of the U4SSC dimensions, sub-dimensions and categories (en, nb).

Keys are code prefixes. A category is keyed within its sub-dimension
("EC: I: WS"), because "Water and Sanitation" exists under three of them.
"""

from __future__ import annotations

import re

DIMENSIONS: dict[str, tuple[str, str]] = {
    "EC": ("Economy", "Økonomi"),
    "EN": ("Environment", "Miljø"),
    "SC": ("Society and Culture", "Samfunn og kultur"),
}

SUB_DIMENSIONS: dict[str, tuple[str, str]] = {
    "EC: ICT": ("ICT", "IKT"),
    "EC: P": ("Productivity", "Produktivitet"),
    "EC: I": ("Infrastructure", "Infrastruktur"),
    "EN: EN": ("Environment", "Miljø"),
    "EN: E": ("Energy", "Energi"),
    "SC: EH": ("Education, Health and Culture", "Utdanning, helse og kultur"),
    "SC: SH": ("Safety, Housing and Social Inclusion", "Trygghet, bolig og sosial inkludering"),
}

CATEGORIES: dict[str, tuple[str, str]] = {
    "EC: ICT: ICT": ("ICT Infrastructure", "IKT-infrastruktur"),
    "EC: ICT: WS": ("Water and Sanitation", "Vann og avløp"),
    "EC: ICT: D": ("Drainage", "Overvann og drenering"),
    "EC: ICT: ES": ("Electricity Supply", "Strømforsyning"),
    "EC: ICT: T": ("Transport", "Transport"),
    "EC: ICT: PS": ("Public Sector", "Offentlig sektor"),
    "EC: P: IN": ("Innovation", "Innovasjon"),
    "EC: P: EM": ("Employment", "Sysselsetting"),
    "EC: I: WS": ("Water and Sanitation", "Vann og avløp"),
    "EC: I: WA": ("Waste", "Avfall"),
    "EC: I: ES": ("Electricity Supply", "Strømforsyning"),
    "EC: I: T": ("Transport", "Transport"),
    "EC: I: B": ("Buildings", "Bygninger"),
    "EC: I: UP": ("Urban Planning", "Byplanlegging"),
    "EN: EN: AQ": ("Air Quality", "Luftkvalitet"),
    "EN: EN: WS": ("Water and Sanitation", "Vann og avløp"),
    "EN: EN: WA": ("Waste", "Avfall"),
    "EN: EN: EQ": ("Environmental Quality", "Miljøkvalitet"),
    "EN: EN: PSN": ("Public Space and Nature", "Friområder og natur"),
    "EN: E: E": ("Energy", "Energi"),
    "SC: EH: ED": ("Education", "Utdanning"),
    "SC: EH: H": ("Health", "Helse"),
    "SC: EH: C": ("Culture", "Kultur"),
    "SC: SH: HO": ("Housing", "Bolig"),
    "SC: SH: SI": ("Social Inclusion", "Sosial inkludering"),
    "SC: SH: SA": ("Safety", "Trygghet"),
    "SC: SH: FS": ("Food Security", "Matsikkerhet"),
}

CHALLENGE_AREAS: dict[str, tuple[str, str]] = {
    "transport": ("Transport and mobility", "Transport og mobilitet"),
    "inequality": ("Social inequality", "Sosial ulikhet"),
    "consumption": ("High consumption", "Høyt forbruk"),
    "digital": ("Use of the good digital infrastructure", "Utnyttelse av den gode digitale infrastrukturen"),
}
DIGITAL_PARTS: dict[str, tuple[str, str]] = {
    "infrastructure": ("Digital infrastructure", "Digital infrastruktur"),
    "utilisation": ("Use of the infrastructure", "Utnyttelse av infrastrukturen"),
}


def name_of(table: dict[str, tuple[str, str]], key: str, lang: str) -> str:
    en, nb = table[key]
    return nb if lang == "nb" else en


def prefix_slug(prefix: str) -> str:
    return re.sub(r"[\s:]+", "-", prefix.strip()).lower()


def resolve_prefix(table: dict[str, tuple[str, str]], text: str) -> str | None:
    """Accept a code prefix (any spacing), its slug, or an unambiguous name."""
    norm = re.sub(r"\s+", "", str(text)).upper()
    for key in table:
        if key.replace(" ", "") == norm or prefix_slug(key) == str(text).strip().lower():
            return key
    wanted = str(text).strip().casefold()
    hits = [k for k, names in table.items() if wanted in (n.casefold() for n in names)]
    return hits[0] if len(hits) == 1 else None
