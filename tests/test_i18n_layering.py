"""i18n and architecture: complete catalogues, Norwegian number formats, one-way imports."""

import re
import subprocess
import sys

from layouts.formatting import fmt_number, fmt_pct
from layouts.i18n import CATALOGUES, t
from tests.conftest import ROOT


def test_i18n001_both_languages_have_the_same_keys_and_placeholders():
    nb, en = CATALOGUES["nb"], CATALOGUES["en"]
    assert len(nb) > 400 and set(nb) == set(en)
    for key in nb:
        assert isinstance(nb[key], str) == isinstance(en[key], str), key  # plural in both or in neither
        forms = [nb[key]] if isinstance(nb[key], str) else list(nb[key])
        forms += [en[key]] if isinstance(en[key], str) else list(en[key])
        assert all(f.strip() for f in forms), key
        names = [set(re.findall(r"{(\w+)}", f)) for f in forms]
        if isinstance(nb[key], str):
            assert names[0] == names[1], key
        else:  # [nb one, nb other, en one, en other]: the "other" forms agree; "one" may leave some out ("Ett tiltak")
            assert names[1] == names[3] and names[0] <= names[1] and names[2] <= names[3], key


def test_i18n003_counts_take_their_plural_form_from_the_po_catalogues():
    po = {lang: (ROOT / "layouts" / "locale" / lang / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
          for lang in ("nb", "en")}
    for text in po.values():
        assert 'Plural-Forms: nplurals=2; plural=(n != 1);' in text and text.count("msgid_plural") >= 10
    assert t("peers.unranked", "nb", count=1, n="1", min=3) == "1 kommune delte færre enn 3 indikatorer og er ikke rangert."
    assert t("peers.unranked", "nb", count=2, n="2", min=3).startswith("2 kommuner delte")
    assert t("finance.sentence.range", "en", entity="Asker", hi_year=2020, hi="1", lo_year=2020, lo="1", n=1) \
        .endswith("(1 year with a figure).")
    assert t("finance.sentence.range", "en", entity="Asker", hi_year=2020, hi="1", lo_year=2021, lo="0", n=2) \
        .endswith("(2 years with a figure).")
    assert t("ini.intro.kpi", "nb", n=1).startswith("Ett tiltak") and t("ini.intro.kpi", "nb", n=3).startswith("3 tiltak")
    assert t("data.count", "en", count=1, n="1", first="1", last="1") == "One row matches the filter."
    try:
        t("data.count", "en", n="1 234", first="1", last="50")  # a formatted number cannot choose the form
    except TypeError:
        pass
    else:
        raise AssertionError("a plural entry without a count must not pass")


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


def _imports() -> dict[str, set[str]]:
    """Every project module -> the project modules it imports (top level, in functions, under TYPE_CHECKING)."""
    import ast

    rooms = ("dashboard", "callbacks", "layouts", "data")
    mods = {".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): p
            for room in rooms for p in (ROOT / room).rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in mods.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        out = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                out |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(parts + ([node.module] if node.module else []))
                out |= {base} | {f"{base}.{a.name}" for a in node.names}
        graph[name] = {m for m in out if m in mods and m != name and not name.startswith(m + ".")}
    return graph


def test_arc003_no_import_circle():
    graph = _imports()
    done: set[str] = set()

    def visit(m: str, path: list[str]) -> None:
        if m in path:
            raise AssertionError("import circle: " + " -> ".join(path[path.index(m):] + [m]))
        if m in done:
            return
        for n in sorted(graph[m]):
            visit(n, path + [m])
        done.add(m)

    for m in sorted(graph):
        visit(m, [])
    assert "data.filters" in graph and "data.repository" in graph


def test_arc004_controllers_live_in_callbacks_and_layouts_compute_nothing():
    import importlib
    import inspect

    assert not (ROOT / "dashboard" / "pages.py").exists()
    graph = _imports()
    # every page of the router is registered by a module in callbacks/
    text = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "callbacks").glob("*.py"))
    for page in ("home", "snapshot", "challenges", "challenge_area", "indicators", "indicator", "compare", "data",
                 "finance", "about", "accessibility"):
        assert re.search(rf'register_page\(repo, "{page}"', text), page
    # layouts take data/ results as they are: no function from data/ but name look-ups and text helpers
    lookups = {"name_of", "in_language", "split_urls", "value_kind"}
    import ast

    for path in (ROOT / "layouts").glob("*.py"):
        name = "layouts." + path.stem
        assert "data.scoring" not in graph.get(name, ()), name
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("data"):
                mod = importlib.import_module(node.module)
                for a in node.names:
                    obj = getattr(mod, a.name, None)
                    assert not callable(obj) or inspect.isclass(obj) or a.name in lookups, (name, a.name)
