"""``/about/accessibility``: the accessibility statement (tilgjengelighetserklæring), honest about its limits."""

from __future__ import annotations

from dash import html

from .i18n import t

TEXT = {
    "nb": {
        "lead": "Asker kommune skal oppfylle kravene til universell utforming av IKT, det vil si WCAG 2.1 nivå A og AA. Her står hva vi har testet, hvordan, og hva vi vet at ennå ikke er godt nok.",
        "status.h": "Status",
        "status.p": "Vi mener dashbordet i hovedsak oppfyller WCAG 2.1 nivå A og AA. De automatiske testene finner ingen brudd på noen side. Avvikene og begrensningene vi kjenner til, står under «Kjente begrensninger». Vurderingen bygger på egne tester; ingen uavhengig revisjon er gjort.",
        "met.h": "Dette er på plass",
        "met.items": [
            "Alle figurer har en setning som sier hva de viser, og en tabell ved siden av med de samme tallene (1.1.1 Ikke-tekstlig innhold, 1.3.1 Informasjon og relasjoner).",
            "Poengklasse vises alltid med symbol og tekst i tillegg til farge (1.4.1 Bruk av farge). Fargene går fra rødt og oransje til lyseblått og mørkeblått, en skala som holder ved de vanligste formene for fargeblindhet (rød-grønn), og symbolene ○ ◔ ◕ ● skiller klassene uansett.",
            "Alt kan brukes med tastatur: lenke for å hoppe til hovedinnholdet, synlig fokus, naturlig tabulatorrekkefølge, og ingen tastaturfeller (2.1.1, 2.1.2, 2.4.1, 2.4.3, 2.4.7).",
            "Når et valg endrer siden, blir fokus stående på valget, og endringen leses opp via et aria-live-område. Når du går til en ny side, flyttes fokus til hovedinnholdet (4.1.3 Statusbeskjeder).",
            "Tabeller har overskrift (caption) og overskriftsceller; sidene har én h1 og en ordnet overskriftsstruktur (1.3.1, 2.4.6).",
            "Innholdet flyter om ved 320 piksler bredde uten vannrett rulling av siden (1.4.10 Dynamisk tilpasning). Brede tabeller ruller inne i sin egen ramme, som kan nås med tastatur.",
            "Språket er merket: <html lang> følger valgt språk, og indikatornavn på det andre språket er merket med lang (3.1.1, 3.1.2). All tekst finnes på bokmål og engelsk.",
            "Kontrast minst 4,5:1 for tekst og 3:1 for grafiske elementer og fokusmarkering (1.4.3, 1.4.11).",
            "Sidene kan skrives ut eller lagres som PDF med en egen utskriftsstil: menyen skjules, figurer og tabeller beholdes, og lenken til visningen og datoen skrives ut.",
        ],
        "how.h": "Slik er det testet",
        "how.items": [
            "Automatisk: axe-core (reglene for wcag2a, wcag2aa, wcag21a og wcag21aa) kjøres i Chromium på hver side, på bokmål og engelsk, ved 1280 og 320 piksler bredde, og etter de viktigste handlingene (filter valgt, eksportmeny åpnet, feilmelding vist). Testene kjøres ved hver endring av koden.",
            "Tastatur: automatiske tester går gjennom én reise per brukergruppe (politiker, planlegger, analytiker) bare med tastaturet og sjekker hvor fokus er for hvert steg.",
            "Utskrift: oversikten og en side for et utfordringsområde skrives ut som PDF i Chromium, og sidene er kontrollert som bilder.",
            "Innhold: en test feiler hvis en tekst mangler på ett av språkene eller har ulike plassholdere.",
            "Tekststørrelse: seks sider vises med teksten forstørret til 200 % uten at noe må rulles sidelengs.",
        ],
        "limits.h": "Kjente begrensninger",
        "limits.items": [
            "Figurene (Plotly) kan ikke utforskes punkt for punkt med tastatur, og verktøytipsene vises bare ved musepeker. Alle tallene finnes i tabellen ved siden av hver figur.",
            "Teksten inne i figurene (for eksempel segmentene i U4SSC-hjulet) er liten og kontrolleres ikke av axe-core. Tabellen ved siden av gir de samme tallene i vanlig tekst.",
            "Vi har ikke testet med skjermlesere (NVDA, JAWS, VoiceOver, TalkBack) eller med brukere. Vurderingen bygger på automatiske tester og tastaturtester.",
            "Tekst forstørret til 200 % er testet automatisk på seks sider (rotskriftstørrelsen doblet ved 1280 piksler bredde, uten vannrett rulling), men ikke med nettleserinnstillingene til hver enkelt nettleser.",
            "PDF-filer som lages med nettleserens utskrift, er ikke tagget for tilgjengelighet.",
            "Kildehenvisninger vises på originalspråket (ofte engelsk) uten egen språkmerking.",
            "Fargeskalaen er ikke kontrollert for tritanopi (blå-gul fargeblindhet), der oransje og lyseblått kan ligne; symbolene og teksten skiller klassene.",
            "Tallene for Asker er illustrative til kommunen importerer sine verifiserte resultater. Dette står i et varsel øverst på alle sider der slike tall vises.",
        ],
        "feedback.h": "Tilbakemelding",
        "feedback.p": "Finner du noe som ikke virker for deg, vil vi gjerne vite det: beskriv siden (lenken), hva du prøvde å gjøre og hvilket hjelpemiddel du bruker. Kontakt Asker kommune via kontaktinformasjonen på asker.kommune.no. Får du ikke svar, eller er du uenig i svaret, kan du melde fra til Tilsynet for universell utforming av IKT (uutilsynet.no).",
        "official.h": "Den offisielle erklæringen",
        "official.p": "Offentlige virksomheter i Norge publiserer tilgjengelighetserklæringen sin i Digdirs løsning uustatus.no. Denne siden er det tekniske grunnlaget for dashbordets erklæring. Erklæringen for dashbordet er ennå ikke registrert i uustatus.no; det gjør kommunen når dashbordet tas i bruk.",
    },
    "en": {
        "lead": "Asker kommune must meet the Norwegian requirements for universal design of ICT, that is WCAG 2.1 levels A and AA. This page says what we have tested, how, and what we know still falls short.",
        "status.h": "Status",
        "status.p": "We believe the dashboard largely meets WCAG 2.1 levels A and AA. The automated tests find no violations on any page. The deviations and limitations we know of are listed under “Known limitations”. The assessment rests on our own tests; no independent audit has been made.",
        "met.h": "What is in place",
        "met.items": [
            "Every chart has a sentence that says what it shows and a table beside it with the same figures (1.1.1 Non-text Content, 1.3.1 Info and Relationships).",
            "A band is always shown with a symbol and text as well as colour (1.4.1 Use of Color). The colours run from red and orange to light and dark blue, a scale that holds for the most common colour-vision deficiencies (red-green), and the symbols ○ ◔ ◕ ● tell the bands apart in any case.",
            "Everything works with a keyboard: a skip link to the main content, visible focus, a natural tab order and no keyboard traps (2.1.1, 2.1.2, 2.4.1, 2.4.3, 2.4.7).",
            "When a choice changes the page, focus stays on that choice and the change is announced through an aria-live region. When you go to another page, focus moves to the main content (4.1.3 Status Messages).",
            "Tables have captions and header cells; pages have one h1 and an ordered heading outline (1.3.1, 2.4.6).",
            "Content reflows at 320 pixels wide without the page scrolling sideways (1.4.10 Reflow). Wide tables scroll inside their own frame, which can be reached with the keyboard.",
            "Language is marked: <html lang> follows the chosen language, and indicator names in the other language carry their own lang (3.1.1, 3.1.2). All text exists in Norwegian Bokmål and English.",
            "Contrast of at least 4.5:1 for text and 3:1 for graphical elements and the focus indicator (1.4.3, 1.4.11).",
            "Pages can be printed or saved as PDF with their own print style: the menu is hidden, charts and tables are kept, and the link to the view and the date are printed.",
        ],
        "how.h": "How it was tested",
        "how.items": [
            "Automated: axe-core (the wcag2a, wcag2aa, wcag21a and wcag21aa rules) runs in Chromium on every page, in Norwegian and English, at 1280 and 320 pixels wide, and after the main interactions (a filter applied, the export menu open, an error notice shown). The tests run on every change to the code.",
            "Keyboard: automated tests walk one journey per user group (politician, planner, analyst) with the keyboard alone and check where focus is at each step.",
            "Print: the overview and a challenge-area page are printed to PDF in Chromium and the pages were checked as images.",
            "Content: a test fails if a text is missing in one of the languages or has different placeholders.",
            "Text size: six pages are shown with text enlarged to 200 % without anything scrolling sideways.",
        ],
        "limits.h": "Known limitations",
        "limits.items": [
            "The charts (Plotly) cannot be explored point by point with a keyboard, and their tooltips appear only on mouse hover. All figures are in the table beside each chart.",
            "Text inside the charts (for example the segments of the U4SSC wheel) is small and is not checked by axe-core. The table beside it gives the same figures as plain text.",
            "We have not tested with screen readers (NVDA, JAWS, VoiceOver, TalkBack) or with users. The assessment rests on automated and keyboard tests.",
            "Text enlarged to 200 % is tested automatically on six pages (the root font size doubled at 1280 pixels wide, no sideways scrolling), but not with each browser's own text-size setting.",
            "PDF files made with the browser's print function are not tagged for accessibility.",
            "Source references are shown in their original language (often English) without their own language marking.",
            "The colour scale has not been checked for tritanopia (blue-yellow colour blindness), where orange and light blue can look alike; the symbols and text tell the bands apart.",
            "Asker's figures are illustrative until the municipality imports its verified results. A notice at the top of every page that shows them says so.",
        ],
        "feedback.h": "Feedback",
        "feedback.p": "If something does not work for you, please tell us: describe the page (its link), what you tried to do and which assistive technology you use. Contact Asker kommune through the contact details on asker.kommune.no. If you get no answer, or disagree with it, you can notify the Norwegian Authority for Universal Design of ICT (uutilsynet.no).",
        "official.h": "The official statement",
        "official.p": "Norwegian public bodies publish their accessibility statement in Digdir's service uustatus.no. This page is the technical basis for the dashboard's statement. The statement for the dashboard has not yet been filed in uustatus.no; the municipality files it when the dashboard goes into use.",
    },
}


def layout(lang: str) -> list:
    x = TEXT["nb" if lang == "nb" else "en"]
    return [
        html.H1(t("a11y.title", lang)),
        html.P(x["lead"], className="lead-text"),
        html.H2(x["status.h"], id="a11y-status"), html.P(x["status.p"]),
        html.H2(x["met.h"], id="a11y-met"), html.Ul([html.Li(i) for i in x["met.items"]]),
        html.H2(x["how.h"], id="a11y-how"), html.Ul([html.Li(i) for i in x["how.items"]]),
        html.H2(x["limits.h"], id="a11y-limits"), html.Ul([html.Li(i) for i in x["limits.items"]]),
        html.H2(x["feedback.h"], id="a11y-feedback"), html.P(x["feedback.p"]),
        html.H2(x["official.h"], id="a11y-official"), html.P(x["official.p"]),
    ]
