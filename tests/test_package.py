"""The package outside the checkout: a wheel built from this tree, installed in a fresh virtualenv in a
temporary directory, runs ``info``, ``export``, ``validate``, ``import`` and ``serve`` with its own package data
and a writable data directory outside site-packages."""

from __future__ import annotations

import csv
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT

SOURCES = ("dashboard", "callbacks", "layouts", "data", "pyproject.toml", "setup.py", "README.md", "LICENSE",
           "indicators.csv")


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict:
    """(venv, home, cwd): the wheel installed with the hash-pinned runtime lock, nothing from the checkout."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    for name in SOURCES:  # build from a copy: the checkout gets no build/ or egg-info
        item = ROOT / name
        if item.is_dir():
            shutil.copytree(item, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy(item, src / name)
    dist = tmp / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", str(src),
                    "-w", str(dist)], check=True, capture_output=True, cwd=tmp)
    wheel = next(dist.glob("asker_u4ssc_dashboard-*.whl"))
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, cwd=tmp)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
    subprocess.run(pip + ["--require-hashes", "-r", str(ROOT / "requirements.lock")], check=True,
                   capture_output=True, cwd=tmp)
    subprocess.run(pip + ["--no-deps", str(wheel)], check=True, capture_output=True, cwd=tmp)
    home, work = tmp / "home", tmp / "work"
    home.mkdir()
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DASHBOARD_", "PYTHON", "XDG_", "VIRTUAL_ENV"))}
    env.update(HOME=str(home), PATH=f"{venv / 'bin'}:{env.get('PATH', '')}")
    return {"venv": venv, "home": home, "cwd": work, "env": env, "wheel": wheel}


def run(installed, *args, check=True) -> subprocess.CompletedProcess:
    r = subprocess.run([str(installed["venv"] / "bin" / "asker-u4ssc"), *args], cwd=installed["cwd"],
                       env=installed["env"], capture_output=True, text=True, timeout=300)
    assert not check or r.returncode == 0, r.stdout + r.stderr
    return r


def test_pkg001_the_wheel_carries_its_data_and_runs_from_site_packages(installed):
    code = "import data, layouts, dashboard; print(data.__file__); print(data.DEFAULT_CATALOGUE)"
    r = subprocess.run([str(installed["venv"] / "bin" / "python"), "-c", code], cwd=installed["cwd"],
                       env=installed["env"], capture_output=True, text=True, check=True)
    module, catalogue = r.stdout.split()
    assert "site-packages" in module and str(ROOT) not in module  # the installed copy, not the checkout
    assert Path(catalogue).is_file() and "site-packages" in catalogue
    info = run(installed, "info").stdout
    user_dir = installed["home"] / ".local" / "share" / "asker-u4ssc-dashboard"
    assert f"data directory: {user_dir} (user)" in info, info
    assert "data:           ok" in info and "91 KPIs" in info
    assert (user_dir / "observations.csv").read_bytes() == (ROOT / "data" / "observations.csv").read_bytes()


def test_pkg002_export_validate_and_import_round_trip(installed):
    out = installed["cwd"] / "asker.csv"
    r = run(installed, "export", "--format", "csv", "-o", str(out), "--municipality", "3203")
    assert out.is_file() and " rows, csv" in r.stdout
    with out.open(encoding="utf-8-sig") as f:  # with the BOM Excel needs
        rows = list(csv.DictReader(f))
    assert rows and {row["municipality_code"] for row in rows} == {"3203"}
    xlsx = installed["cwd"] / "asker.xlsx"
    run(installed, "export", "--format", "xlsx", "-o", str(xlsx), "--municipality", "3203")
    assert xlsx.read_bytes()[:2] == b"PK"
    assert "refused" not in run(installed, "validate", str(out)).stdout
    user_dir = installed["home"] / ".local" / "share" / "asker-u4ssc-dashboard"
    before = (user_dir / "observations.csv").read_bytes()
    r = run(installed, "import", str(out))  # the same rows back: valid, nothing new
    assert (user_dir / "observations.csv").read_bytes() == before, r.stdout
    site = next((installed["venv"] / "lib").glob("python3*/site-packages"))
    assert (site / "data" / "observations.csv").read_bytes() == (ROOT / "data" / "observations.csv").read_bytes()


def test_pkg003_serve_answers_healthz_without_its_paths(installed):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([str(installed["venv"] / "bin" / "asker-u4ssc"), "serve", "--port", str(port)],
                            cwd=installed["cwd"], env=installed["env"], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    try:
        deadline, body, status = time.time() + 120, b"", 0
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as resp:
                    status, body = resp.status, resp.read()
                break
            except OSError:
                assert proc.poll() is None, proc.stdout.read().decode(errors="replace")
                time.sleep(0.5)
        assert status == 200, body
        health = json.loads(body)
        assert health["status"] == "ok" and health["data_dir"] == "user" and health["kpis"] == 91
        assert str(installed["home"]) not in body.decode() and "site-packages" not in body.decode()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/?lang=en", timeout=30) as resp:
            page = resp.read().decode()
        assert resp.status == 200 and '<html lang="en"' in page
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/vendor/bootstrap.min.css", timeout=30) as resp:
            assert resp.status == 200 and b"Bootstrap" in resp.read()[:200]
        # a chart page's first screen and the script that draws it (inline) come from the wheel too
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/snapshot", timeout=30) as resp:
            page = resp.read().decode()
        assert 'id="first-paint"' in page and "window.dashboardFirstScreen = " in page
    finally:
        proc.terminate()
        proc.wait(timeout=30)
