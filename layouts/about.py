"""The about page (``/about``): 91 vs 92, the scoring method, where the data comes from."""

from __future__ import annotations

from dash import html

from .components import band_badge, data_table
from .formatting import fmt_number, fmt_pct
from .i18n import t

TEXT = {
    "nb": {
        "what.h": "Hva er U4SSC?",
        "what.p": "United for Smart Sustainable Cities (U4SSC) er et FN-initiativ ledet av ITU, UNECE og UN-Habitat. Indikatorene bygger på anbefalingen ITU-T Y.4903/L.1603 og måler hvor langt en by eller kommune har kommet mot bærekraftsmålene, fordelt på tre dimensjoner: økonomi, miljø og samfunn og kultur.",
        "count.h": "91 eller 92 indikatorer?",
        "count.p1": "Asker kommune omtaler målingen som 92 indikatorer. ITUs egen katalog har 91 koder, og vi har ikke funnet noen ITU-tekst som sier 92. Dashbordet bruker derfor katalogen med 91 koder.",
        "count.p2": "Hvis kommunens verifiserte resultater har en indikator til, legges den inn som en ny rad i indicators.csv før dataene importeres. Da regnes den med på samme måte som de andre.",
        "count.p3": "Katalogen i denne versjonen har {kpis} indikatorer og {units} verdier som får poeng hver for seg (noen indikatorer har delindikatorer, for eksempel 3G og 4G).",
        "method.h": "Slik regnes poengsummen ut",
        "method.p1": "Hver rapportert verdi sammenlignes med en målverdi. Er høy verdi best, er måloppnåelsen verdi delt på mål; er lav verdi best, er den mål delt på verdi. Måloppnåelsen gir 1–4 poeng:",
        "method.p2": "Poengene summeres for kategori, underdimensjon, dimensjon og utfordringsområde og vises som prosent av maksimalt mulig (4 poeng per verdi med poeng). Summen får poengklasse etter de samme grensene.",
        "method.example": "Eksempel fra U4SSC: Utdanning med fire indikatorer som får 1, 3, 4 og 1 poeng gir 9 av 16 poeng = {pct}, altså klassen 33–66 %.",
        "method.p3": "Verdier som ikke er rapportert, som mangler tall, eller som ikke har noen målverdi, får ikke poeng. De telles for seg og vises som egne tall. Har verifikatøren oppgitt en poengklasse, brukes den foran den utregnede, og tabellene viser hvilken som er brukt.",
        "method.p4": "Presiseringer: En verdi på 0 når lav verdi er best, når målet. Et mål på 0 når høy verdi er best, nås av enhver verdi på 0 eller mer. Indikatorer uten retning (for eksempel reiselivets andel av sysselsettingen) og negative tall kan ikke sammenlignes med et mål og får bare poeng hvis en poengklasse er oppgitt.",
        "data.h": "Hvor tallene kommer fra",
        "data.catalogue": "Indikatorkatalogen: koder, navn, kategorier og definisjoner fra ITUs publikasjoner om U4SSC. Koblingene til bærekraftsmålene kommer fra ITU der ITU oppgir dem, ellers fra KS sin U4SSC-vokabular på data.norge.no; kilden vises ved hver kobling. Der kildene ikke har en definisjon (28 indikatorer), har vi skrevet en ut fra indikatorens navn og enhet, og indikatorsiden sier at det er vår formulering. Norske navn er skrevet av oss.",
        "data.cities": "Karmøy, Stavanger og Rana: tall som er publisert i ITUs verifiseringsrapporter (september 2020, februar 2021 og september 2020), og Ålesund: fire tall fra U4SSC-faktaarket fra juni 2020, som omtaler regionen. Kilden står på hver rad. Rapportene sier ikke hvilket år tallene gjelder, så sidene skriver «rapportert 2020», aldri «i 2020». Rapportene oppgir ikke målverdiene, så disse tallene får ikke poeng. Ranas liste over indikatorer som ikke ble rapportert, er tatt med som «ikke rapportert». Der står også tilrettelagt transport (TT) i reisemiddelfordelingen: de 1,86 % rapporten nevner, er andelen innbyggere med TT-kort, og tilgang er ikke det samme som bruk, så tallet er ingen reisemiddelandel og vises bare som merknad.",
        "data.asker": "Asker: Kommunens egne U4SSC-resultater er ikke offentlige. Tallene for Asker er derfor illustrative: de er laget av skriptet scripts/generate_illustrative.py med fast startverdi (seed 2030) for årene 2019–2023, med illustrative mål, og formet etter det kommunen selv har sagt om målingen (god digital infrastruktur, svakere utnyttelse; utfordringer i transport, sosial ulikhet og forbruk). De er merket som illustrative overalt og erstattes når kommunen importerer sine verifiserte tall.",
        "data.finance": "Økonomi: netto driftsresultat fra Asker kommunes egne kunngjøringer og årsrapporter 2015–2020 og fra Kommunal Rapport (gamle Asker 2015–2019, Røyken 2019, nye Asker 2020, alle tall fra før revisjonen merket foreløpige), med kilde per tall, og normen på 1,75 % fra Det tekniske beregningsutvalg for kommunal og fylkeskommunal økonomi (TBU).",
        "data.challenges": "Utfordringsområdene: hvilke indikatorer som hører til hvilket område er ikke publisert. Koblingen i data/challenge_areas.csv er et forslag som planleggere kan endre uten å røre koden.",
        "status.h": "Status på hver verdi",
        "status.p": "Hver verdi har en status: verifisert (fra en U4SSC-verifiseringsrapport), rapportert (fra kommunen, ikke verifisert), illustrativ (laget for å vise dashbordet, aldri en måling), syntetisk (bare til ytelsestester) eller ikke rapportert.",
        "band.caption": "Poengklasser i U4SSC-metoden",
        "band.col1": "Måloppnåelse",
        "band.col2": "Poeng",
    },
    "en": {
        "what.h": "What is U4SSC?",
        "what.p": "United for Smart Sustainable Cities (U4SSC) is a UN initiative led by ITU, UNECE and UN-Habitat. Its indicators build on Recommendation ITU-T Y.4903/L.1603 and measure how far a city has come towards the Sustainable Development Goals, in three dimensions: economy, environment, and society and culture.",
        "count.h": "91 or 92 indicators?",
        "count.p1": "Asker kommune describes its measurement as 92 indicators. ITU's own catalogue has 91 codes, and we found no ITU text that says 92. The dashboard therefore uses the 91-code catalogue.",
        "count.p2": "If the municipality's verified results include one more indicator, it is added as a new row in indicators.csv before the data is imported, and is then scored like the others.",
        "count.p3": "The catalogue in this version has {kpis} indicators and {units} values that are scored separately (some indicators have data points, for example 3G and 4G).",
        "method.h": "How the score is calculated",
        "method.p1": "Each reported value is compared with a target. Where higher is better, achievement is value divided by target; where lower is better, target divided by value. Achievement earns 1–4 points:",
        "method.p2": "Points are summed for category, sub-dimension, dimension and challenge area and shown as a percentage of the maximum (4 points per scored value). The sum gets a band by the same edges.",
        "method.example": "U4SSC's own example: Education with four indicators scoring 1, 3, 4 and 1 points gives 9 of 16 points = {pct}, the 33–66 % band.",
        "method.p3": "Values that are not reported, have no number, or have no target earn no points. They are counted separately and shown as their own figures. When the verifier reported a band, it is used before the computed one, and the tables show which was used.",
        "method.p4": "Precisely: a value of 0 where lower is better meets the target. A target of 0 where higher is better is met by any value of 0 or more. Indicators without a direction (for example tourism's share of employment) and negative numbers cannot be compared with a target and are scored only when a band is reported.",
        "data.h": "Where the figures come from",
        "data.catalogue": "The indicator catalogue: codes, names, categories and definitions from ITU's U4SSC publications. Links to the SDGs come from ITU where ITU gives them, otherwise from KS's U4SSC vocabulary on data.norge.no; the source is shown with each link. Where the sources give no definition (28 KPIs), we wrote one from the KPI's name and unit, and the KPI page says it is our wording. The Norwegian names are our own.",
        "data.cities": "Karmøy, Stavanger and Rana: values published in ITU's verification reports (September 2020, February 2021 and September 2020), and Ålesund: four values from the U4SSC factsheet of June 2020, which speaks of the region. The source is on every row. The reports do not say which year their values describe, so the pages say “reported 2020”, never “in 2020”. The reports do not give the targets, so these values are not scored. Rana's list of indicators it did not report is included as “not reported”. Para transport in the mode share is on it: the 1.86 % the report mentions is the share of inhabitants holding a TT card (transport service for people with disabilities), and access is not usage, so it is no mode-share value and is kept as a note only.",
        "data.asker": "Asker: the municipality's own U4SSC results are not public. Asker's figures are therefore illustrative: generated by the script scripts/generate_illustrative.py with a fixed seed (2030) for 2019–2023, with illustrative targets, and shaped by what the municipality has said about its measurement (good digital infrastructure, weaker use of it; challenges in transport, social inequality and consumption). They are labelled illustrative everywhere and are replaced when the municipality imports its verified results.",
        "data.finance": "Finance: net operating results from Asker kommune's own announcements and annual reports 2015–2020 and from Kommunal Rapport (old Asker 2015–2019, Røyken 2019, the new Asker 2020; every figure published before the audit marked preliminary), with a source for each figure, and the 1.75 % norm from the technical calculation committee for municipal finances (TBU).",
        "data.challenges": "Challenge areas: which indicators belong to which area has not been published. The mapping in data/challenge_areas.csv is a proposal that planners can change without touching the code.",
        "status.h": "The status of every value",
        "status.p": "Every value has a status: verified (from a U4SSC verification report), reported (by the municipality, not verified), illustrative (made up to demonstrate the dashboard, never a measurement), synthetic (for performance tests only) or not reported.",
        "band.caption": "Bands of the U4SSC method",
        "band.col1": "Achievement",
        "band.col2": "Points",
    },
}


def layout(lang: str, kpi_count: int, unit_count: int) -> list:
    x = TEXT["nb" if lang == "nb" else "en"]
    bands = data_table(x["band.caption"], [x["band.col1"], x["band.col2"]],
                       [[band_badge(b, lang), str(b)] for b in (1, 2, 3, 4)], {1}, table_id="about-bands")
    return [
        html.H1(t("about.title", lang)),
        html.H2(x["what.h"]), html.P(x["what.p"]),
        html.H2(x["count.h"], id="count"), html.P(x["count.p1"]), html.P(x["count.p2"]),
        html.P(x["count.p3"].format(kpis=fmt_number(kpi_count, lang, 0), units=fmt_number(unit_count, lang, 0))),
        html.H2(x["method.h"], id="method"), html.P(x["method.p1"]), bands, html.P(x["method.p2"]),
        html.P(x["method.example"].format(pct=fmt_pct(56.25, lang, 2))), html.P(x["method.p3"]), html.P(x["method.p4"]),
        html.H2(x["data.h"], id="data"),
        html.Ul([html.Li(x[k]) for k in ("data.catalogue", "data.cities", "data.asker", "data.finance", "data.challenges")]),
        html.H2(x["status.h"]), html.P(x["status.p"]),
        html.P(html.A(t("footer.accessibility", lang), href="/about/accessibility" + ("?lang=en" if lang == "en"
                                                                                     else ""))),
    ]
