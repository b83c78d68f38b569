"""The read-only HTTP API (CONTRACTS section 5): ``/api/v1/...``.

Every parameter is checked: an unknown name or a bad value gives 400 with a
JSON body naming the parameter; nothing here answers 500 for bad input.
"""

from __future__ import annotations

import datetime as dt
import math
import re

from flask import Blueprint, request

from data import initiatives as initiatives_q
from data.export import (
    FORMATS,
    XLSX_MAX_ROWS,
    Context,
    TooLarge,
    csv_stream,
    export_frame,
    file_name,
    parquet_stream,
    to_xlsx,
)
from data.filters import FILTER_PARAMS, apply_filters
from data.finance import COLUMNS as FINANCE_COLUMNS
from data.repository import DataUnavailable, Repository
from data.scoring import LEVELS, roll_up
from data.taxonomy import CATEGORIES, CHALLENGE_AREAS, DIGITAL_PARTS, DIMENSIONS, SUB_DIMENSIONS

from .api_common import (  # noqa: F401 - give_back_memory and the limits are part of this module's interface
    EXPENSIVE_SLOTS,
    LARGE_EXPORT_ROWS,
    MAX_LIMIT,
    WEB_XLSX_MAX_ROWS,
    BadRequest,
    _args,
    _download,
    _error,
    _filters,
    _json,
    _lang,
    _paging,
    _records,
    _stream,
    _take_slot,
    expensive_slot,
    give_back_memory,
    permalink,
    release_slot,
)


def create_blueprint(repo: Repository) -> Blueprint:
    bp = Blueprint("api", __name__, url_prefix="/api/v1")

    @bp.errorhandler(BadRequest)
    def _bad(exc: BadRequest):
        return _error(exc)

    @bp.errorhandler(DataUnavailable)
    def _unavailable(exc: DataUnavailable):
        return _json({"error": "data unavailable", "problems": [str(p) for p in exc.problems[:20]]}, 503)

    def fmt_of(ext: str, allowed: tuple[str, ...]) -> str:
        if ext not in allowed:
            raise BadRequest("format", f"format must be one of {', '.join(allowed)}", ext, status=404)
        return ext

    @bp.get("/initiatives.<ext>")
    def initiatives(ext: str):
        """What the municipality does: every initiative, both languages, with its areas, KPIs and source."""
        fmt_of(ext, ("json",))
        args = _args(("challenge_area", "kpi"))
        ds = repo.snapshot()
        frame = ds.initiatives
        area = args.get("challenge_area", "").strip()
        if area:
            if area not in CHALLENGE_AREAS:
                raise BadRequest("challenge_area", f"must be one of {', '.join(CHALLENGE_AREAS)}", area)
            frame = initiatives_q.for_area(frame, area)
        code = args.get("kpi", "").strip()
        if code:
            kpi = ds.catalogue.resolve(code) or ds.catalogue.by_slug(code.lower())
            if kpi is None:
                raise BadRequest("kpi", "is not a KPI code in indicators.csv", code)
            frame = initiatives_q.for_kpi(frame, kpi.code)
        items = initiatives_q.records(frame)
        return _json({"total": len(items), "items": items})

    @bp.get("/indicators.<ext>")
    def indicators(ext: str):
        fmt = fmt_of(ext, ("json", "csv"))
        args = _args(("lang", "limit", "offset"))
        lang = _lang(args)
        limit, offset = _paging(args)
        ds = repo.snapshot()
        rows = []
        for k in ds.catalogue:
            rows.append({
                "code": k.code, "slug": k.slug, "name_en": k.name_en, "name_nb": k.name_nb,
                "dimension": k.dimension, "sub_dimension": k.sub_dimension_code, "category": k.category_code,
                "type": k.type, "unit": k.unit(lang), "direction": k.direction,
                "data_points": [dp.slug for dp in k.data_points], "sdg_itu": list(k.sdg_itu),
                "sdg_goals_ks": list(k.sdg_goals_ks), "sdg_targets_ks": list(k.sdg_targets_ks),
                "definition": k.definition(lang) or None,
            })
        if fmt == "json":
            return _json({"total": len(rows), "limit": limit, "offset": offset, "lang": lang,
                          "items": rows[offset:offset + limit]})
        import pandas as pd

        frame = pd.DataFrame(rows)
        for c in ("data_points", "sdg_itu", "sdg_goals_ks", "sdg_targets_ks"):
            frame[c] = frame[c].map(";".join)
        frame["definition"] = frame["definition"].fillna("")
        return _download(_plain_csv(frame, lang), "csv", f"u4ssc-indicators_{dt.date.today().isoformat()}.csv")

    @bp.get("/observations.<ext>")
    def observations(ext: str):
        fmt = fmt_of(ext, ("json", *FORMATS))
        allowed = (*FILTER_PARAMS, "lang") + (("limit", "offset") if fmt == "json" else ())
        args = _args(allowed)
        lang = _lang(args)
        limit, offset = _paging(args) if fmt == "json" else (0, 0)
        ds = repo.snapshot()
        f = _filters(args, ds)
        rows = apply_filters(ds, f)
        if fmt == "json":  # only the page is turned into records, whatever the total
            page = export_frame(ds, f, lang, rows.iloc[offset:offset + limit])
            cols = [c for c in page.columns]
            items = _records(page, cols)
            for it in items:
                if it["target_na"]:
                    it["target"] = "n/a"
                del it["target_na"]
            return _json({"total": len(rows), "limit": limit, "offset": offset, "lang": lang,
                          "filters": f.as_params(), "items": items})
        name = file_name(f.as_params(), fmt)
        if fmt == "xlsx" and len(rows) > WEB_XLSX_MAX_ROWS:  # refused before any work
            raise BadRequest("format", f"{len(rows)} rows are more than an XLSX export over the web may hold (at most "
                                       f"{WEB_XLSX_MAX_ROWS}; `asker-u4ssc export` writes up to {XLSX_MAX_ROWS}); "
                                       "narrow the filters or use CSV or Parquet, which are always complete",
                             "xlsx", status=413)
        if fmt in ("csv", "parquet"):  # streamed a chunk at a time: memory stays flat whatever the size
            held = _take_slot(len(rows))
            try:
                chunks = (csv_stream if fmt == "csv" else parquet_stream)(ds, f, lang, rows)
                return _stream(chunks, held, fmt, name)
            except BaseException:
                if held:
                    release_slot()
                raise
        with expensive_slot(len(rows)):
            frame = export_frame(ds, f, lang, rows)
            ctx = Context(f.as_params(), permalink(f, lang), lang, dt.date.today().isoformat())
            try:
                body = to_xlsx(frame, ds.catalogue, ctx, ds.initiatives)
            except TooLarge as exc:
                raise BadRequest("format", str(exc), "xlsx", status=413) from None
            return _download(body, fmt, name)

    @bp.get("/scores.<ext>")
    def scores(ext: str):
        fmt = fmt_of(ext, ("json", "csv"))
        args = _args(("municipality", "year", "level", "lang", "limit", "offset"))
        lang = _lang(args)
        limit, offset = _paging(args)
        level = args.get("level", "dimension").strip() or "dimension"
        if level not in LEVELS:
            raise BadRequest("level", f"level must be one of {', '.join(LEVELS)}", level)
        ds = repo.snapshot()
        f = _filters({k: v for k, v in args.items() if k in ("municipality", "year")}, ds)
        rows = ds.observations
        if f.municipality:
            rows = rows[rows["municipality_code"].isin(f.municipality)]
        if f.year_from is not None:
            rows = rows[(rows["year"] >= f.year_from) & (rows["year"] <= f.year_to)]
        rolled = roll_up(rows, ds.catalogue, level, ds.challenges)
        names = {**DIMENSIONS, **SUB_DIMENSIONS, **CATEGORIES, **CHALLENGE_AREAS}
        names.update({f"digital/{p}": v for p, v in DIGITAL_PARTS.items()})
        munis = dict(ds.municipalities())
        out = rolled.rename(columns={"no_benchmark": "unbenchmarked", "not_reported": "unreported"})
        out.insert(1, "municipality_name", out["municipality_code"].map(munis))
        out.insert(3, "level", level)
        out.insert(5, "name", out["group"].map(lambda g: names.get(g, (g, g))[0 if lang == "en" else 1]))
        out["score_pct"] = out["score_pct"].astype(float).round(4)
        out["band"] = out["band"].astype("Int64").astype(object).where(out["band"].notna(), None)
        cols = ["municipality_code", "municipality_name", "year", "level", "group", "name", "points", "max_points",
                "score_pct", "band", "scored", "unreported", "unbenchmarked", "no_value"]
        out = out[cols]
        if fmt == "json":
            page = out.iloc[offset:offset + limit]
            return _json({"total": len(out), "limit": limit, "offset": offset, "lang": lang, "level": level,
                          "items": _records(page, cols)})
        return _download(_plain_csv(out, lang), "csv",
                         file_name({"level": level, **f.as_params()}, "csv").replace("observations", "scores"))

    @bp.get("/finance.<ext>")
    def finance(ext: str):
        fmt = fmt_of(ext, ("json", "csv"))
        args = _args(("municipality", "year", "measure", "basis", "status", "lang", "limit", "offset"))
        lang = _lang(args)
        limit, offset = _paging(args)
        ds = repo.snapshot()
        rows = finance_rows(ds.finance, args)
        cols = list(FINANCE_COLUMNS)
        if fmt == "json":
            page = rows.iloc[offset:offset + limit]
            return _json({"total": len(rows), "limit": limit, "offset": offset, "lang": lang,
                          "items": _records(page, cols)})
        name = "asker-u4ssc-finance" + "".join(f"_{k}-{args[k]}" for k in ("municipality", "year", "measure", "basis")
                                              if args.get(k))
        return _download(_plain_csv(rows[cols], lang), "csv", _safe_name(name) + ".csv")

    @bp.route("/<path:_rest>", methods=["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"])
    def _unknown(_rest: str):
        return _json({"error": "no such API endpoint", "path": request.path[:200],
                      "endpoints": ENDPOINTS}, 404)

    return bp


ENDPOINTS = ["/api/v1/indicators.{json,csv}", "/api/v1/observations.{json,csv,xlsx,parquet}",
             "/api/v1/scores.{json,csv}", "/api/v1/finance.{json,csv}", "/api/v1/initiatives.json", "/healthz"]


def _safe_name(name: str) -> str:

    return re.sub(r"[^0-9A-Za-z_.-]+", "-", name)[:120]


def finance_rows(fin, args: dict[str, str]):
    """The finance rows matching the parameters, in key order; 400 naming the parameter for a bad value."""

    import pandas as pd

    from data.finance import BASES, MEASURES, SSB_MEASURES
    from data.finance import STATUSES as FIN_STATUSES

    rows = fin if not fin.empty else pd.DataFrame(columns=list(FINANCE_COLUMNS))
    known = sorted(set(rows["municipality_code"].astype(str)))

    def listed(name: str) -> list[str]:
        return [v.strip() for v in args.get(name, "").split(",") if v.strip()]

    munis = listed("municipality")
    for m in munis:
        if m not in known:
            raise BadRequest("municipality", f"municipality '{m[:20]}' has no finance rows; known: {', '.join(known)}", m)
    year_text = args.get("year", "").strip()
    y0 = y1 = None
    if year_text:
        m = re.fullmatch(r"(\d{4})(?:-(\d{4}))?", year_text)
        if not m:
            raise BadRequest("year", "year must be a year (2019) or a range (2015-2020)", year_text)
        y0, y1 = int(m.group(1)), int(m.group(2) or m.group(1))
        if y0 > y1:
            raise BadRequest("year", "the first year of a range must not be after the last", year_text)
    measures = [SSB_MEASURES.get(v, v) for v in listed("measure")]
    for v in measures:
        if v not in MEASURES:
            raise BadRequest("measure", f"measure must be among {', '.join(MEASURES)}", v)
    bases = listed("basis")
    for v in bases:
        if v not in BASES:
            raise BadRequest("basis", f"basis must be {' or '.join(BASES)}", v)
    statuses = listed("status")
    for v in statuses:
        if v not in FIN_STATUSES:
            raise BadRequest("status", f"status must be among {', '.join(FIN_STATUSES)}", v)
    mask = pd.Series(True, index=rows.index)
    if munis:
        mask &= rows["municipality_code"].astype(str).isin(munis)
    if y0 is not None:
        mask &= (rows["year"] >= y0) & (rows["year"] <= y1)
    if measures:
        mask &= rows["measure"].astype(str).isin(measures)
    if bases:
        mask &= rows["basis"].astype(str).isin(bases)
    if statuses:
        mask &= rows["status"].astype(str).isin(statuses)
    out = rows[mask].sort_values(["municipality_code", "year", "measure", "basis"], kind="stable")
    out = out.astype({"year": "int64"}).reset_index(drop=True)
    return out.assign(note=out["note"].fillna("").astype(str))


def _plain_csv(frame, lang: str) -> bytes:
    """A CSV of any frame with the export's conventions (BOM, nb: ``;`` and decimal comma)."""
    import csv
    import io

    from data.export import _number, neutralise

    nb = lang == "nb"
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";" if nb else ",", lineterminator="\r\n")
    w.writerow(list(frame.columns))
    for row in frame.itertuples(index=False):
        cells = []
        for v in row:
            if v is None or (isinstance(v, float) and math.isnan(v)):
                cells.append("")
            elif isinstance(v, (int, float)) and not isinstance(v, bool):
                cells.append(_number(float(v), nb))
            else:
                cells.append(neutralise(str(v)))
        w.writerow(cells)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
