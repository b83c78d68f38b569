"""Loads every data file once per process, caches a typed parquet copy, and
notices changed files while the server runs (no restart needed)."""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .cache import Cache, MemoryCache
from .catalogue import Catalogue
from .challenges import load_challenges
from .enriched import build_enriched
from .errors import DataError, Problem
from .finance import COLUMNS as FINANCE_COLUMNS
from .finance import load_finance, load_norms
from .initiatives import empty as empty_initiatives
from .initiatives import load_initiatives
from .observations import load_observations
from .scoring import score_frame

log = logging.getLogger(__name__)

OBSERVATIONS = "observations.csv"
FINANCE = "finance.csv"
NORMS = "finance_norms.csv"
CHALLENGES = "challenge_areas.csv"
INITIATIVES = "initiatives.csv"
SCHEMA_VERSION = "5"  # bump when the cached frame's shape changes


@dataclass(frozen=True)
class Dataset:
    catalogue: Catalogue
    observations: pd.DataFrame  # the template rows, scored
    finance: pd.DataFrame
    norms: pd.DataFrame
    challenges: pd.DataFrame
    fingerprint: str
    loaded_at: float = field(default_factory=time.time)
    initiatives: pd.DataFrame = field(default_factory=empty_initiatives)

    @cached_property
    def _municipalities(self) -> tuple[tuple[str, str], ...]:
        df = self.observations[["municipality_code", "municipality_name"]].drop_duplicates("municipality_code")
        pairs = sorted((str(c), str(n)) for c, n in df.itertuples(index=False))
        pairs.sort(key=lambda p: (p[0] != "3203", p[1]))
        return tuple(pairs)

    @cached_property
    def _years(self) -> dict[str, tuple[int, ...]]:
        pairs = self.observations[["municipality_code", "year"]].drop_duplicates()
        out: dict[str, set[int]] = {}
        for code, year in pairs.itertuples(index=False):
            out.setdefault(str(code), set()).add(int(year))
        return {c: tuple(sorted(ys)) for c, ys in out.items()}

    @cached_property
    def enriched(self) -> pd.DataFrame:
        """Observations joined with the catalogue, for filtering and export."""
        frame = build_enriched(self.observations, self.catalogue, self.challenges)
        release_memory()  # once per data version: the join's temporaries go back to the system
        return frame

    def municipalities(self) -> list[tuple[str, str]]:
        """(code, name) pairs, Asker first; computed once per data set."""
        return list(self._municipalities)

    def municipality_name(self, code: str) -> str | None:
        return dict(self._municipalities).get(code)

    def years(self, municipality: str) -> list[int]:
        return list(self._years.get(municipality, ()))


def _libc():
    import ctypes

    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc: nothing to tune
        return None


def limit_malloc_arenas(arenas: int = 2) -> None:
    """glibc gives each thread its own malloc arena; with gthread workers that alone grows RSS."""
    libc = _libc()
    if libc is not None:
        libc.mallopt(-8, arenas)  # M_ARENA_MAX


def release_memory() -> None:
    """Hand memory freed after a (re)load back to the system.

    Arrow's allocator keeps what a Parquet read used (about 80 MB at national
    scale) unless asked to let it go; glibc's malloc keeps freed pages until
    trimmed.
    """
    pa.default_memory_pool().release_unused()
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)


REPEATED_TEXT = ("municipality_code", "municipality_name", "kpi_code", "data_point", "unit", "verified", "quality",
                 "status", "source", "note", "year_basis", "direction", "band_source", "exclusion")


def compact(frame: pd.DataFrame) -> pd.DataFrame:
    """Repeated text columns as categoricals: a national-scale frame shrinks several times over."""
    out = frame.copy()
    for c in REPEATED_TEXT:
        if c in out:
            out[c] = out[c].astype(str).astype("category")
    return out


class DataUnavailable(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems[:10]))


def _sources(data_dir: Path, catalogue_path: Path) -> list[Path]:
    return [catalogue_path] + [data_dir / n for n in (OBSERVATIONS, FINANCE, NORMS, CHALLENGES, INITIATIVES)]


def _check_regular_files(paths: list[Path]) -> None:
    """The data directory holds regular files only: a symbolic link (to a secret, to /dev/zero) or a device,
    FIFO or directory in a data file's place is refused, never followed or read."""
    import stat

    problems = []
    for p in paths:
        try:
            st = os.lstat(p)
        except FileNotFoundError:
            continue
        if stat.S_ISLNK(st.st_mode):
            problems.append(Problem(p.name, "is a symbolic link; the data directory holds regular files only"))
        elif not stat.S_ISREG(st.st_mode):
            problems.append(Problem(p.name, "is not a regular file"))
    if problems:
        raise DataError(problems)


def _signature(paths: list[Path]) -> tuple:
    sig = []
    for p in paths:
        try:
            st = p.stat()
            sig.append((str(p), st.st_mtime_ns, st.st_size))
        except FileNotFoundError:
            sig.append((str(p), None, None))
    return tuple(sig)


CACHE_KEY = ".cache-key"  # the key that signs cached frames; in the cache directory, never the data directory


def _read_sources(paths: list[Path]) -> dict[str, bytes | None]:
    """Every source's bytes, read once: what is fingerprinted is what is parsed."""
    out: dict[str, bytes | None] = {}
    for p in paths:
        try:
            out[p.name] = p.read_bytes()
        except FileNotFoundError:
            out[p.name] = None
    return out


def fingerprint_bytes(blobs: dict[str, bytes | None]) -> str:
    h = hashlib.sha256(SCHEMA_VERSION.encode())
    for name, raw in blobs.items():
        h.update(name.encode() + b"\0")
        h.update(b"<missing>" if raw is None else hashlib.sha256(raw).digest())
        h.update(b"\0")
    return h.hexdigest()[:24]


def fingerprint(paths: list[Path]) -> str:
    return fingerprint_bytes(_read_sources(paths))


class Repository:
    """Read-only access to the current data set, reloaded when files change."""

    def __init__(self, data_dir: Path, catalogue_path: Path, cache_dir: Path,
                 check_interval: float = 5.0, cache: Cache | None = None):
        self.data_dir = Path(data_dir).resolve()
        self.catalogue_path = Path(catalogue_path).resolve()
        self.cache_dir = Path(cache_dir).resolve()
        if self.cache_dir == self.data_dir or self.data_dir in self.cache_dir.parents:
            raise ValueError("the cache directory must not be inside the data directory")
        self.check_interval = check_interval
        self.cache: Cache = cache if cache is not None else MemoryCache()
        self._lock = threading.Lock()
        self._state: tuple[Dataset | None, DataUnavailable | None] = (None, None)  # replaced whole, never in part
        self._signature: tuple | None = None
        self._checked = 0.0

    # -- public -------------------------------------------------------------
    @property
    def _dataset(self) -> Dataset | None:
        return self._state[0]

    def snapshot(self) -> Dataset:
        """The current data set; raises DataUnavailable when the data is broken.

        The first load is waited for. After that, one thread checks the files and loads a changed version
        beside the current one while every other request goes on with the current data: a reload of a
        million rows never stalls the readers. The new version replaces the old in one assignment.
        """
        dataset, error = self._state
        if dataset is None and error is None:
            with self._lock:
                if self._state[0] is None and self._state[1] is None:
                    self._refresh()
        elif time.monotonic() - self._checked >= self.check_interval and self._lock.acquire(blocking=False):
            try:
                if time.monotonic() - self._checked >= self.check_interval:
                    self._refresh()
            finally:
                self._lock.release()
        dataset, error = self._state
        if error is not None:
            raise error
        assert dataset is not None
        return dataset

    def status(self) -> dict:
        try:
            ds = self.snapshot()
        except DataUnavailable as exc:
            return {"status": "error", "problems": [str(p) for p in exc.problems[:20]]}
        return {"status": "ok", "fingerprint": ds.fingerprint, "observations": int(len(ds.observations)),
                "kpis": len(ds.catalogue)}

    # -- internals ----------------------------------------------------------
    def _refresh(self) -> None:
        self._checked = time.monotonic()
        paths = _sources(self.data_dir, self.catalogue_path)
        sig = _signature(paths)
        if sig == self._signature:
            return
        try:
            _check_regular_files(paths[1:])
            blobs = _read_sources(paths)
            fp = fingerprint_bytes(blobs)
        except DataError as exc:
            self._fail(exc.problems, sig)
            return
        except OSError as exc:  # a permission error, a directory in a file's place: 503, never 500
            self._fail([Problem(Path(getattr(exc, "filename", "") or "data").name,
                                f"cannot be read: {exc.strerror or type(exc).__name__}")], sig)
            return
        if self._dataset is not None and self._dataset.fingerprint == fp:
            self._signature = sig
            return
        try:
            dataset = self._load(fp, blobs)
            self._state = (dataset, None)
            release_memory()
            log.info("data loaded: fingerprint %s, %d observations", fp, len(dataset.observations))
        except DataError as exc:
            self._state = (None, DataUnavailable(exc.problems))
            log.error("data could not be loaded:\n%s", exc)
        except OSError as exc:
            self._state = (None, DataUnavailable([Problem(Path(getattr(exc, "filename", "") or "data").name,
                                                          f"cannot be read: {exc.strerror or type(exc).__name__}")]))
            log.error("data could not be read: %s", exc)
        except Exception as exc:  # a corrupt file must never crash the server
            self._state = (None, DataUnavailable([Problem(self.data_dir.name,
                                                          f"unexpected error: {type(exc).__name__}")]))
            log.exception("data could not be loaded")
        self._signature = sig

    def _fail(self, problems: list[Problem], sig: tuple) -> None:
        self._state = (None, DataUnavailable(problems))
        self._signature = sig
        log.error("data could not be loaded: %s", "; ".join(str(p) for p in problems[:5]))

    def _load(self, fp: str, blobs: dict[str, bytes | None]) -> Dataset:
        """Parse exactly the bytes that were fingerprinted; a cached frame is used only when its signature proves
        this process's cache made it from these bytes."""
        from .catalogue import parse_catalogue

        cat_raw = blobs[self.catalogue_path.name]
        if cat_raw is None:
            raise DataError([Problem(self.catalogue_path.name, "file not found")])
        try:
            catalogue = parse_catalogue(cat_raw.decode("utf-8-sig"), self.catalogue_path.name)
        except UnicodeDecodeError as exc:
            raise DataError([Problem(self.catalogue_path.name, f"not UTF-8 text (byte {exc.start})")]) from None
        obs_path = self.data_dir / OBSERVATIONS
        if blobs[OBSERVATIONS] is None:
            raise DataError([Problem(OBSERVATIONS, "not found in the data directory")])
        cached = self.cache_dir / f"observations-{fp}.parquet"
        obs = self._read_cache(cached, fp)
        if obs is None:
            obs = compact(score_frame(load_observations(obs_path, catalogue, raw=blobs[OBSERVATIONS]), catalogue))
            self._write_cache(cached, obs, fp)
        fin = blobs[FINANCE]
        finance = load_finance(self.data_dir / FINANCE, raw=fin) if fin is not None else pd.DataFrame(
            columns=list(FINANCE_COLUMNS))
        norms = load_norms(self.data_dir / NORMS, raw=blobs[NORMS]) if blobs[NORMS] is not None else pd.DataFrame()
        ch = blobs[CHALLENGES]
        challenges = load_challenges(self.data_dir / CHALLENGES, catalogue, raw=ch) if ch is not None else pd.DataFrame(
            columns=["kpi_code", "area", "part", "rationale_nb", "rationale_en"])
        ini = blobs.get(INITIATIVES)
        initiatives = (load_initiatives(self.data_dir / INITIATIVES, catalogue, raw=ini) if ini is not None
                       else empty_initiatives())
        return Dataset(catalogue, obs, finance, norms, challenges, fp, initiatives=initiatives)

    # -- the parquet cache: signed, so a file placed or changed in the cache directory is never served ------------
    def _key(self) -> bytes:
        path = self.cache_dir / CACHE_KEY
        try:
            key = path.read_bytes()
            if len(key) >= 32:
                return key
        except OSError:
            pass
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        key = os.urandom(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(key)
        return key

    def _signature_of(self, fp: str, payload: bytes) -> str:
        import hmac

        return hmac.new(self._key(), fp.encode() + b"\0" + hashlib.sha256(payload).digest(), "sha256").hexdigest()

    def _read_cache(self, path: Path, fp: str) -> pd.DataFrame | None:
        import hmac

        sig_path = path.with_name(path.name + ".sig")
        try:
            payload = path.read_bytes()
            sig = sig_path.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            return None
        try:
            if not hmac.compare_digest(sig, self._signature_of(fp, payload)):
                log.warning("ignoring cache file %s: its signature does not match the data", path.name)
                return None
            return pq.read_table(pa.BufferReader(payload), use_threads=False).to_pandas()
        except Exception:  # a broken cache file is rebuilt, never trusted
            log.warning("ignoring unreadable cache file %s", path.name)
            return None

    def _write_cache(self, path: Path, frame: pd.DataFrame, fp: str) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            buf = pa.BufferOutputStream()
            pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), buf)
            payload = buf.getvalue().to_pybytes()
            tmp = path.with_suffix(f".tmp-{os.getpid()}-{threading.get_ident()}")
            tmp.write_bytes(payload)
            os.replace(tmp, path)
            sig_tmp = path.with_name(path.name + f".sig.tmp-{os.getpid()}-{threading.get_ident()}")
            sig_tmp.write_text(self._signature_of(fp, payload), encoding="ascii")
            os.replace(sig_tmp, path.with_name(path.name + ".sig"))
            for old in [*path.parent.glob("observations-*.parquet"), *path.parent.glob("observations-*.tmp-*"),
                        *path.parent.glob("observations-*.sig")]:
                if old.name not in (path.name, path.name + ".sig") and time.time() - old.stat().st_mtime > 3600:
                    old.unlink(missing_ok=True)
        except OSError as exc:  # the cache is an optimisation; never fatal
            log.warning("could not write the parquet cache: %s", exc)
