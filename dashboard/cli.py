"""``python -m dashboard serve|validate|import|export`` (console script: ``asker-u4ssc``)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from data.catalogue import load_catalogue
from data.errors import DataError
from data.importer import import_file, plan_import

from .settings import Settings


def _catalogue(settings: Settings):
    return load_catalogue(settings.catalogue_path)


def cmd_serve(args, settings: Settings) -> int:
    from .app import create_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app(settings)
    if not args.debug or os.environ.get("WERKZEUG_RUN_MAIN") == "true":  # the reloader's child, not its parent
        app.server.config["DASHBOARD_WARM_UP"].start(app.server)
    app.run(host=args.host, port=args.port, debug=args.debug)
    return 0


def cmd_validate(args, settings: Settings) -> int:
    try:
        plan = plan_import(Path(args.file), settings.data_dir, _catalogue(settings), settings.max_import_bytes,
                           settings.max_import_rows)
    except DataError as exc:
        print(f"{args.file}: refused, {len(exc.problems)} problem(s):", file=sys.stderr)
        for p in exc.problems:
            print(f"  {p}", file=sys.stderr)
        return 1
    total = len(plan.added) + len(plan.replaced) + plan.unchanged
    print(f"{args.file}: valid {plan.kind} file with {total} rows; importing it would add {len(plan.added)}, "
          f"replace {len(plan.replaced)} and leave {plan.unchanged} unchanged")
    return 0


def cmd_import(args, settings: Settings) -> int:
    try:
        plan = import_file(Path(args.file), settings.data_dir, _catalogue(settings), settings.max_import_bytes,
                           settings.max_import_rows)
    except DataError as exc:
        print(f"{args.file}: refused, nothing was changed. {len(exc.problems)} problem(s):", file=sys.stderr)
        for p in exc.problems:
            print(f"  {p}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"{args.file}: could not write the data directory, nothing was changed: {exc}", file=sys.stderr)
        return 1
    for line in plan.summary_lines():
        print(line)
    if plan.changes == 0:
        print("nothing changed")
    return 0


def cmd_retire(args, settings: Settings) -> int:
    """After importing verified results: remove the illustrative rows of the municipalities and years the file
    covers that the import did not replace. Shows them; removes them only with --yes."""
    from data.cleanup import retire_illustrative

    try:
        plan = retire_illustrative(Path(args.file), settings.data_dir, _catalogue(settings), args.yes)
    except DataError as exc:
        print(f"{args.file}: refused, nothing was changed. {len(exc.problems)} problem(s):", file=sys.stderr)
        for p in exc.problems:
            print(f"  {p}", file=sys.stderr)
        return 1
    for line in plan.lines():
        print(line)
    if not len(plan.remove):
        print("nothing to remove")
    elif args.yes:
        print(f"removed {len(plan.remove)} illustrative rows")
    else:
        print("nothing was removed yet: run again with --yes to remove these rows")
    return 0


def cmd_export(args, settings: Settings) -> int:
    """The same files as ``/api/v1/observations.<format>``, written atomically to ``-o FILE``."""
    import datetime as dt

    from data.export import Context, TooLarge, csv_stream, export_frame, parquet_stream, to_xlsx
    from data.filters import FILTER_PARAMS, apply_filters, parse_filters
    from data.importer import atomic_write
    from data.repository import DataUnavailable, Repository

    raw = {k: getattr(args, k) for k in FILTER_PARAMS if getattr(args, k, None) is not None}
    try:
        ds = Repository(settings.data_dir, settings.catalogue_path, settings.cache_dir).snapshot()
    except DataUnavailable as exc:
        print(f"export: the data cannot be read: {exc}", file=sys.stderr)
        return 1
    f = parse_filters(raw, ds)
    if f.invalid:
        for i in f.invalid:
            print(f"export: --{i.parameter.replace('_', '-')} '{i.value}': {i.reason}", file=sys.stderr)
        return 2
    rows = apply_filters(ds, f)
    if args.format in ("csv", "parquet"):  # the API's streams, joined: the same bytes as the web export
        body = b"".join((csv_stream if args.format == "csv" else parquet_stream)(ds, f, args.lang, rows))
    else:
        frame = export_frame(ds, f, args.lang, rows)
        from urllib.parse import urlencode

        params = {**f.as_params(), **({"lang": args.lang} if args.lang != "nb" else {})}
        link = args.base_url.rstrip("/") + "/data" + ("?" + urlencode(params) if params else "")
        try:
            body = to_xlsx(frame, ds.catalogue, Context(f.as_params(), link, args.lang, dt.date.today().isoformat()),
                           ds.initiatives)
        except TooLarge as exc:
            print(f"export: {exc}", file=sys.stderr)
            return 1
    out = Path(args.output)
    try:
        atomic_write(out, body)
    except OSError as exc:
        print(f"export: could not write {out}: {exc}", file=sys.stderr)
        return 1
    print(f"{out}: {len(rows)} rows, {args.format}, lang={args.lang}")
    return 0


def cmd_info(args, settings: Settings) -> int:
    """Where the data, the catalogue and the cache are (absolute paths: for the operator, never on a page)."""
    from data.repository import Repository

    st = Repository(settings.data_dir, settings.catalogue_path, settings.cache_dir).status()
    print(f"data directory: {settings.data_dir} ({settings.data_dir_kind})")
    print(f"catalogue:      {settings.catalogue_path}")
    print(f"cache:          {settings.cache_dir}")
    if st["status"] == "ok":
        print(f"data:           ok, {st['observations']} observations, {st['kpis']} KPIs")
        return 0
    print("data:           cannot be read: " + "; ".join(st.get("problems", [])))
    return 1


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="asker-u4ssc", description="Asker U4SSC sustainability dashboard")
    sub = p.add_subparsers(dest="command")
    s = sub.add_parser("serve", help="serve the dashboard (default)")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8050)
    s.add_argument("--debug", action="store_true", help="Dash dev tools; never in production")
    v = sub.add_parser("validate", help="check an observation or finance file without importing it")
    v.add_argument("file")
    i = sub.add_parser("import", help="validate, then merge a file into the data directory (all or nothing)")
    i.add_argument("file")
    r = sub.add_parser("retire-illustrative", help="after importing verified results, remove the illustrative rows "
                                                   "of the years the file covers (shows them first; --yes removes)")
    r.add_argument("file", help="the verified file that was imported")
    r.add_argument("--yes", action="store_true", help="remove the rows shown (all or nothing)")
    sub.add_parser("info", help="print the data directory, catalogue and cache in use, and whether the data reads")
    e = sub.add_parser("export", help="write the filtered observations as CSV, XLSX or Parquet (same as the API)")
    e.add_argument("--format", choices=("csv", "xlsx", "parquet"), required=True)
    e.add_argument("-o", "--output", required=True, help="the file to write")
    e.add_argument("--lang", choices=("nb", "en"), default="en", help="CSV separators and names (default en)")
    e.add_argument("--base-url", default="http://127.0.0.1:8050", help="for the permalink in the XLSX Filters sheet")
    for name in ("municipality", "year", "dimension", "sub_dimension", "category", "challenge_area", "band",
                 "status", "verified", "q"):
        e.add_argument(f"--{name.replace('_', '-')}", dest=name, help="as the API parameter of the same name")
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["serve", *(argv or [])])
    settings = Settings.from_env(debug=getattr(args, "debug", False)).prepare()
    commands = {"serve": cmd_serve, "validate": cmd_validate, "import": cmd_import, "export": cmd_export,
                "retire-illustrative": cmd_retire, "info": cmd_info}
    return commands[args.command](args, settings)
