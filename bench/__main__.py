"""``python -m bench``: see the package docstring, or ``python -m bench --help``."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import warnings
from pathlib import Path

from .database import scratch_database

DEFAULT_PUPILS = 20_000
DEFAULT_SCHOOL_PUPILS = 2_000  # the same as bench.measurements.DEFAULT_SCHOOL_PUPILS (imported only after setup)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2027-07-09") from None


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=(
            "Build the demo trust in a scratch database (PostgreSQL when DATABASE_URL names one, else a "
            "temporary SQLite file), time each measurement and print its median, query count, runs and what "
            "was measured. Two sizes are used: seed_demo and pupil_list run on a trust of --pupils pupils "
            "(a 210-pupil primary and a secondary with the rest); identification_list, impact_school, "
            "import_results, the provision maps, the repeat visits, import_limits and load are targets for one "
            "school, so for them the trust is reseeded (untimed) with a secondary of --school-pupils pupils, whose "
            "SENCO they run as. Measurements run in the order bench.measurements registers them, whatever order "
            "--only gives. load needs PostgreSQL and starts gunicorn and locust (see bench/load.py)."
        ),
    )
    parser.add_argument(
        "--pupils", type=int, default=DEFAULT_PUPILS, help=f"pupils in the trust (default {DEFAULT_PUPILS:,})"
    )
    parser.add_argument(
        "--school-pupils",
        type=int,
        default=DEFAULT_SCHOOL_PUPILS,
        metavar="N",
        help=f"pupils at the secondary for the per-school measurements (default {DEFAULT_SCHOOL_PUPILS:,})",
    )
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each measurement (default 5)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the demo data (default 1)")
    parser.add_argument(
        "--today",
        type=_date,
        metavar="YYYY-MM-DD",
        help="seed the demo as of this day (default: the real date); the term it falls in decides how much of "
        "the year's provision has happened",
    )
    parser.add_argument("--only", action="append", metavar="NAME", help="run only this measurement (repeatable)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the results to FILE as JSON")
    parser.add_argument(
        "--redis",
        metavar="URL",
        help="the Redis the load test's servers share (default: REDIS_URL, else redis://127.0.0.1:6379/0 if it "
        "answers, else none)",
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.school_pupils < 50:
        parser.error("--school-pupils must be at least 50 (the smallest secondary the demo makes)")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "provision.settings")
    # A throwaway database on this machine: any key will do (DEBUG stays off: it would slow every query).
    if not os.environ.get("DJANGO_SECRET_KEY"):
        os.environ["DJANGO_SECRET_KEY"] = "bench-" + "x" * 40
    scratch = scratch_database(os.environ.get("DATABASE_URL"))
    os.environ["DATABASE_URL"] = scratch.url
    django_ready = False
    try:
        import django

        # WhiteNoise warns when collectstatic has not been run; the benchmark serves no static files.
        warnings.filterwarnings("ignore", message="No directory at")
        django.setup()
        django_ready = True
        from django.core.management import call_command

        from .measurements import MEASUREMENTS, Bench, run

        unknown = [name for name in args.only or [] if name not in MEASUREMENTS]
        if unknown:
            print(f"Unknown measurement {', '.join(unknown)}; there are: {', '.join(MEASUREMENTS)}", file=sys.stderr)
            return 2
        # Registry order: the per-school measurements reseed a smaller trust, and import_results adds to it.
        names = [name for name in MEASUREMENTS if not args.only or name in args.only]
        print(
            f"bench: {args.pupils:,} pupils (one school: {args.school_pupils:,}), {scratch.vendor} ({scratch.name}), "
            f"repeat {args.repeat}" + (f", as of {args.today:%d/%m/%Y}" if args.today else ""),
            flush=True,
        )
        call_command("migrate", verbosity=0)
        bench = Bench(pupils=args.pupils, seed=args.seed, school_pupils=args.school_pupils, today=args.today)
        bench.redis = args.redis
        results = []
        for name in names:
            result = run(bench, MEASUREMENTS[name], args.repeat)
            results.append(result)
            print(result.line(), flush=True)
        if args.json:
            args.json.write_text(json.dumps([result.as_dict() for result in results], indent=2) + "\n")
        return 0
    finally:
        if django_ready:
            from django.db import connections

            connections.close_all()
        scratch.drop()


if __name__ == "__main__":
    sys.exit(main())
