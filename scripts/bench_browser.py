"""The benchmark's browser figures (``make bench``): every chart page's first chart in Chromium against two floors."""

from __future__ import annotations

import json
import os
import statistics
import time
import urllib.request

from bench_common import add, pct

CHART_PAGES = ("/snapshot", "/challenges/transport", "/indicators/ec-i-t-1c", "/compare", "/finance")
# the first frame that shows a chart, read inside the page (ms from the start of the navigation): the moment
# plotly.js has put a chart's SVG in the page, then the next animation frame, which paints it. The same script
# on the dashboard and on both floors; unlike the wall clock it holds none of Playwright's own polling, which
# looks for the chart at intervals of up to 100 ms once the page's load event has fired (the floors draw before
# their load event, the dashboard after it)
ON_SCREEN_JS = """
new MutationObserver((records, observer) => {
  if (!document.querySelector('.main-svg')) { return; }
  observer.disconnect();
  requestAnimationFrame(() => { window.__chartOnScreen = performance.now(); });
}).observe(document, {subtree: true, childList: true});
// Dash's own page in place, its controls live: its first chart drawn and no first screen in front of it
// (dashboard/first_paint.py); on a page without a first screen, the same frame as the chart on screen
new MutationObserver((records, observer) => {
  const dash = document.getElementById('react-entry-point');
  if (!dash || !dash.querySelector('.main-svg') || document.documentElement.hasAttribute('data-first-paint')) {
    return;
  }
  observer.disconnect();
  requestAnimationFrame(() => { window.__dashLive = performance.now(); });
}).observe(document, {subtree: true, childList: true, attributes: true, attributeFilter: ['data-first-paint']});
"""
FAST_4G = {"offline": False, "latency": 170, "downloadThroughput": 9e6 / 8, "uploadThroughput": 9e6 / 8}


def browser_figures(dash_port: int, floor_port: int, plain_port: int | None = None) -> None:
    """Every chart page's first chart on a cold profile against two floors loaded alternately in the same run:
    a bare page with the stock plotly.js and a bare page with the dashboard's own plotly.js; bytes cold and
    warm; the same on a Fast 4G link and with 4x CPU slowdown; a control change to the redrawn chart.
    ``plain_port``: the dashboard without its first screen (DASHBOARD_FIRST_SCREEN=0), loaded alternately
    with the rest: when Dash's own page is in place with and without one."""
    from playwright.sync_api import sync_playwright

    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]
    exe = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    floors = {"stock": f"http://127.0.0.1:{floor_port}/chart",
              "bundle": f"http://127.0.0.1:{floor_port}/chart?bundle=partial"}
    rounds = int(os.environ.get("BENCH_BROWSER_ROUNDS", "5"))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=flags)

        def visit(url: str, network: dict | None = None, cpu: float | None = None) -> tuple:
            ctx = browser.new_context(viewport={"width": 1280, "height": 900})  # a cold profile each time
            page = ctx.new_page()
            page.add_init_script(ON_SCREEN_JS)
            cdp = ctx.new_cdp_session(page)
            cdp.send("Network.enable")
            if network:
                cdp.send("Network.emulateNetworkConditions", network)
            if cpu:
                cdp.send("Emulation.setCPUThrottlingRate", {"rate": cpu})
            got = {"bytes": 0}
            cdp.on("Network.loadingFinished", lambda e: got.__setitem__("bytes", got["bytes"] + e["encodedDataLength"]))
            t0 = time.perf_counter()
            page.goto(url)
            page.locator(".main-svg").first.wait_for(timeout=120000)
            took = time.perf_counter() - t0
            page.wait_for_function("() => window.__chartOnScreen !== undefined", timeout=120000)
            on_screen = page.evaluate("() => window.__chartOnScreen") / 1000
            live = None
            if f":{dash_port}/" in url or (plain_port and f":{plain_port}/" in url):
                page.wait_for_function("() => window.__dashLive !== undefined", timeout=120000)
                live = page.evaluate("() => window.__dashLive") / 1000
            page.wait_for_load_state("networkidle")
            cold = got["bytes"]
            got["bytes"] = 0
            page.reload()
            page.locator(".main-svg").first.wait_for(timeout=120000)
            page.wait_for_load_state("networkidle")
            warm = got["bytes"]
            ctx.close()
            return took, cold, warm, on_screen, live

        def side_by_side_loads(path: str, network=None, cpu=None, n=rounds) -> dict[str, list]:
            out: dict[str, list] = {"dash": [], "stock": [], "bundle": [], "plain": []}
            for _ in range(n):  # alternately, so all of them see the same machine state
                out["dash"].append(visit(f"http://127.0.0.1:{dash_port}{path}", network, cpu))
                for key, url in floors.items():
                    out[key].append(visit(url, network, cpu))
                if plain_port:
                    out["plain"].append(visit(f"http://127.0.0.1:{plain_port}{path}", network, cpu))
            return out

        # measured against a server that is up, not one still starting: its worker has finished drawing its
        # warm-up pages (dashboard/warm.py), and every page and floor has been served once (not counted); each
        # measured load is still a cold browser profile
        for _ in range(600):
            with urllib.request.urlopen(f"http://127.0.0.1:{dash_port}/healthz", timeout=10) as r:
                if json.loads(r.read()).get("warm_up", {}).get("done"):
                    break
            time.sleep(0.1)
        for path in CHART_PAGES:
            visit(f"http://127.0.0.1:{dash_port}{path}")
            if plain_port:
                visit(f"http://127.0.0.1:{plain_port}{path}")
        for url in floors.values():
            visit(url)

        cmd = (f"make bench: Playwright + Debian Chromium, a new context per load, {rounds} loads each, dashboard "
               "and both floors alternately (scripts/bench_floor.py /chart and /chart?bundle=partial); on screen = "
               "the first animation frame after a chart's SVG is in the page, read in the page (ms from navigation "
               "start)")

        def first_chart(r: dict, name: str, how: str) -> None:
            """The targets on the time to the chart on screen; Playwright's wall clock beside it, as before."""
            d, st, bu = (statistics.median(x[3] for x in r[k]) for k in ("dash", "stock", "bundle"))
            add(f"first chart on screen, cold: {name}", d * 1000, "ms", command=how)
            add(f"  ... / stock-plotly.js floor ({st * 1000:.0f} ms)", d / st, "x", "<= 1.0", d / st <= 1.0, how)
            add(f"  ... / same-bundle floor ({bu * 1000:.0f} ms)", d / bu, "x", "<= 2.0", d / bu <= 2.0, how)
            wd, wst, wbu = (statistics.median(x[0] for x in r[k]) for k in ("dash", "stock", "bundle"))
            add(f"  wall clock (Playwright goto to located chart) {wd * 1000:.0f} ms / stock {wst * 1000:.0f} ms", wd / wst,
                "x", command=how)
            add(f"  wall clock {wd * 1000:.0f} ms / same-bundle floor {wbu * 1000:.0f} ms", wd / wbu, "x", command=how)
            if r["plain"]:
                live, plain_live, plain_chart = (statistics.median(x[k] for x in r[key]) for key, k in
                                                 (("dash", 4), ("plain", 4), ("plain", 3)))
                add(f"  without the first screen (DASHBOARD_FIRST_SCREEN=0): first chart {plain_chart * 1000:.0f} ms",
                    plain_chart / bu, "x same-bundle floor", command=how)
                add(f"  Dash's page in place, controls live: {live * 1000:.0f} ms; without the first screen "
                    f"{plain_live * 1000:.0f} ms", live / plain_live, "x", command=how + "; the first frame with "
                    "Dash's own chart drawn and no first screen in front of it")

        for path in CHART_PAGES:
            print(f"  {path}", flush=True)
            r = side_by_side_loads(path)
            first_chart(r, path, cmd)
            cold = statistics.median(x[1] for x in r["dash"])
            warm = statistics.median(x[2] for x in r["dash"])
            add(f"bytes sent, cold load of {path}", cold / 1e6, "MB", "<= 1.0", cold / 1e6 <= 1.0, cmd)
            add(f"bytes sent, warm reload of {path}", warm / 1e3, "KB", command=cmd)
        for label, network, cpu in (("Fast 4G (9 Mbit/s, 170 ms)", FAST_4G, None),
                                    ("4x CPU slowdown (a mid-range phone)", None, 4)):
            print(f"  /snapshot, {label}", flush=True)
            r = side_by_side_loads("/snapshot", network, cpu, n=max(1, rounds - 1))
            how = cmd + (", CDP Network.emulateNetworkConditions" if network else ", CDP Emulation.setCPUThrottlingRate")
            first_chart(r, f"/snapshot, {label}", how)

        print("  control change to redrawn chart", flush=True)
        ctx = browser.new_context(viewport={"width": 1280, "height": 900})
        page = ctx.new_page()
        page.goto(f"http://127.0.0.1:{dash_port}/snapshot")
        page.locator(".main-svg").first.wait_for(timeout=120000)
        select = page.locator("[id='{\"param\":\"year\",\"type\":\"url-param\"}']")
        waits = []
        for k in range(20):
            year = "2022" if k % 2 == 0 else "2023"
            page.evaluate("() => { window.__bench = document.querySelector('.js-plotly-plot'); }")
            t0 = time.perf_counter()
            select.select_option(year)
            # the page is drawn again from the new URL: a new heading and a chart drawn for it
            page.wait_for_function("(y) => { const h = document.querySelector('#main-content h1');"
                                   " const g = document.querySelector('.js-plotly-plot .main-svg');"
                                   " return h && h.textContent.includes(y) && g; }", arg=year, timeout=60000)
            page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
            waits.append(time.perf_counter() - t0)
        ctx.close()
        browser.close()
    how = ("make bench: Playwright select_option, until the new heading and its chart are drawn (two animation "
           "frames), loopback; the first change to each year is the server's first view of it")
    add("control change to redrawn chart, p50 (/snapshot year select, 20 changes)", pct(waits, .5), "ms",
        command=how)
    add("control change to redrawn chart, p95 (/snapshot year select, 20 changes)", pct(waits, .95), "ms",
        "<= 300", pct(waits, .95) <= 300, how)
