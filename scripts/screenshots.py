"""Screenshots of pages at 1280 and 390 px in nb and en, with axe-core and clipping checks (for looking, not a test).

    python scripts/screenshots.py / /finance?lang=en ...     (default: every route)

Starts the app on the shipped data (or ``DASHBOARD_DATA_DIR``) on a free
loopback port, opens each route in Debian's Chromium (``CHROMIUM_PATH``) at
1280 x 900 and 390 x 844, in nb and en unless the route names ``lang``, and
writes full-page PNGs to ``test-artifacts/screens/``. For each it prints the
page height, the HTTP status, the title, axe-core's WCAG 2.1 AA violations and
the text containers cut at the right edge (scrollWidth > clientWidth outside a
labelled scroll region). ``--pdf`` also prints the page to PDF (A4) and turns
its pages into PNGs with pdftoppm when installed.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ROUTES = ["/", "/snapshot", "/challenges", "/challenges/transport", "/indicators", "/indicators/ec-ict-ict-2c",
          "/compare", "/finance", "/data", "/about", "/about/accessibility"]
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]
CLIPPED_JS = """() => {
  const out = [];
  for (const el of document.querySelectorAll('main *, header *')) {
    if (el.closest('[data-scroll-region], .js-plotly-plot, svg, .modebar')) continue;
    const cs = getComputedStyle(el);
    if (cs.display === 'none' || cs.visibility === 'hidden' || el.closest('.visually-hidden')) continue;
    if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0 && cs.overflowX !== 'visible') {
      out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + '.' + (el.className || '').toString().slice(0, 40)
               + ' ' + el.scrollWidth + '>' + el.clientWidth);
    }
  }
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth + 1) out.push('page ' + doc.scrollWidth + '>' + doc.clientWidth);
  return out.slice(0, 8);
}"""


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("routes", nargs="*")
    ap.add_argument("--widths", default="1280,390")
    ap.add_argument("--langs", default="nb,en")
    ap.add_argument("--pdf", action="store_true")
    ap.add_argument("--no-axe", action="store_true")
    args = ap.parse_args()
    import logging

    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    from dashboard import Settings, create_app

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    settings = Settings.from_env(cache_dir=Path(tempfile.mkdtemp()), reload_check_seconds=0.0)
    app = create_app(settings)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = make_server("127.0.0.1", port, app.server, threaded=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    out = ROOT / "test-artifacts" / "screens"
    out.mkdir(parents=True, exist_ok=True)
    axe = Axe()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
                                     args=FLAGS)
        for route in args.routes or ROUTES:
            langs = [""] if "lang=" in route else args.langs.split(",")
            for lang in langs:
                url = route
                if lang == "en":
                    url += ("&" if "?" in url else "?") + "lang=en"
                for width in [int(w) for w in args.widths.split(",")]:
                    page = browser.new_page(viewport={"width": width, "height": 900 if width > 600 else 844})
                    resp = page.goto(f"http://127.0.0.1:{port}{url}", wait_until="networkidle")
                    page.wait_for_selector("html:not([data-later]):not([data-first-paint])", state="attached")  # the page's lower part
                    page.wait_for_timeout(600)
                    name = re.sub(r"[^a-z0-9]+", "_", url.lower()).strip("_") or "home"
                    png = out / f"{name}_{width}.png"
                    page.screenshot(path=str(png), full_page=True)
                    height = page.evaluate("document.documentElement.scrollHeight")
                    clipped = page.evaluate(CLIPPED_JS)
                    violations = "-" if args.no_axe else len(axe.run(page, options={"runOnly": [
                        "wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}).response["violations"])
                    print(f"{url:<44} {width:>4}px status {resp.status if resp else '?'} h={height:<5} "
                          f"axe={violations} title={page.title()!r} -> {png.relative_to(ROOT)}")
                    if clipped:
                        print("    clipped:", "; ".join(clipped))
                    if args.pdf and width > 600:
                        pdf = out / f"{name}.pdf"
                        page.emulate_media(media="print")
                        page.pdf(path=str(pdf), format="A4", print_background=True)
                        for old in out.glob(f"{name}_pdf-*.png"):
                            old.unlink()
                        if shutil.which("pdftoppm"):
                            subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(out / f"{name}_pdf")],
                                           check=False)
                    page.close()
        browser.close()
    srv.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
