"""i18n and architecture: complete catalogues, Norwegian number formats, one-way imports."""

import re
import subprocess
import sys

from layouts.formatting import fmt_number, fmt_pct
from layouts.i18n import CATALOGUES, t
from tests.conftest import ROOT


def test_i18n001_both_languages_have_the_same_keys_and_placeholders():
    nb, en = CATALOGUES["nb"], CATALOGUES["en"]
    assert set(nb) == set(en)
    for key in nb:
        assert set(re.findall(r"{(\w+)}", nb[key])) == set(re.findall(r"{(\w+)}", en[key])), key
        assert nb[key].strip() and en[key].strip(), key


def test_i18n002_norwegian_number_formats():
    assert fmt_pct(3.8, "nb") == "3,8\u00a0%" and fmt_pct(3.8, "en") == "3.8\u00a0%"
    assert fmt_number(95424.5, "nb", 1) == "95\u202f424,5"
    assert fmt_number(-47, "nb", 0) == "\u221247"
    assert t("controls.year", "en") == "Year" and t("controls.year", "xx") == "År"


def test_arc001_data_layer_never_imports_dash():
    code = ("import sys; sys.modules['dash'] = None; sys.modules['plotly'] = None; "
            "import data.repository, data.scoring, data.importer, data.queries, data.params, data.ssb; print('ok')")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr


def test_arc002_layouts_do_not_import_callbacks_or_dashboard():
    for path in (ROOT / "layouts").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import)\s+(callbacks|dashboard)\b", text, re.M), path.name
    for path in (ROOT / "callbacks").glob("*.py"):
        assert not re.search(r"^\s*(from|import)\s+dashboard\b", path.read_text(encoding="utf-8"), re.M), path.name
