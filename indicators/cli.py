"""Command line: ``python -m indicators compute | uncertainty | build-data``.

Errors never show a traceback: bad options exit with code 2 (usage), problems in the data or
the method settings with code 1, each with a message on stderr. ``main(argv)`` returns the exit
code so tests call it in-process.

Decisions (also in ``docs/METHODS.md``):

* Default inputs are the bundled ``data/`` files and the default peer group is ``yrd27``;
  with ``--coinr`` or with ``--data`` but no ``--units-file`` the default group is ``all``.
* ``--year Y`` computes on every year (so pooled bounds stay those of the whole panel) and
  writes only year ``Y``.
* ``--coinr`` reads ``--data`` as COINr's iData and ``--framework`` as its iMeta and, unless
  ``--min-coverage`` is given, uses ``min_coverage = 0`` like COINr's ``Aggregate()`` default
  (``dat_thresh = NULL``: an aggregate exists as long as one child has data).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from indicators.validate import ValidationError

__all__ = ["main", "build_parser"]

STEPS = ("impute", "treat", "normalise", "weights", "aggregate")
OUTPUT_SUFFIXES = {".csv": "csv", ".xlsx": "xlsx", ".parquet": "parquet"}


class UsageError(Exception):
    """A bad command-line option (exit code 2)."""


def _registries() -> tuple[dict[str, list[str]], dict[str, dict[str, str]], str | None]:
    """Allowed method names per step, their descriptions, and an import error (if any)."""
    try:
        from indicators import methods
    except Exception as exc:  # the engine core may be missing or broken: --help still works
        return {step: [] for step in STEPS}, {}, f"{type(exc).__name__}: {exc}"
    names = {step: list(getattr(methods, step.upper())) for step in STEPS}
    descriptions = getattr(methods, "DESCRIPTIONS", {})
    return names, descriptions, None


def _methods_epilog() -> str:
    names, descriptions, error = _registries()
    if error:
        return f"method names are unavailable: {error}"
    lines = ["methods:"]
    for step in STEPS:
        lines.append(f"  --{step}:")
        for name in names[step]:
            text = descriptions.get(step, {}).get(name, "")
            lines.append(f"    {name:<22} {text}".rstrip())
    return "\n".join(lines)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # never print a traceback; exit code 2
        raise UsageError(f"{self.prog}: error: {message}")


def _add_common(parser: argparse.ArgumentParser, names: dict[str, list[str]]) -> None:
    inputs = parser.add_argument_group("inputs")
    inputs.add_argument("--data", help="wide data table (CSV/XLSX/Parquet); default: bundled")
    inputs.add_argument("--framework", help="framework table; default: bundled framework.csv")
    inputs.add_argument(
        "--units",
        default=None,
        help="peer group: yrd27 | yrd41 | all | <province name> | <adcode,adcode,...> "
        "(default yrd27 for the bundled data, all otherwise)",
    )
    inputs.add_argument("--units-file", help="units table (adcode, names, provinces, groups)")
    inputs.add_argument("--year", type=int, help="write only this year (computed on all years)")
    inputs.add_argument(
        "--coinr",
        action="store_true",
        help="read COINr-style inputs: --data is iData (uCode, Time), --framework is iMeta",
    )
    method = parser.add_argument_group("methods (see the list below)")
    for step in STEPS:
        choices = names[step] or None
        metavar = "{" + ",".join(names[step]) + "}" if names[step] else "M"
        method.add_argument(f"--{step}", choices=choices, metavar=metavar)
    method.add_argument("--scope", choices=["pooled", "per_year"], help="normalisation bounds")
    method.add_argument(
        "--min-coverage", type=float, help="minimum share of children's weight present (0-1)"
    )
    parser.add_argument("--out", required=True, help="output file: .csv, .xlsx or .parquet")


def build_parser() -> argparse.ArgumentParser:
    names, _, _ = _registries()
    epilog = _methods_epilog()
    parser = _Parser(
        prog="python -m indicators",
        description="Composite indicators (talent vitality index engine).",
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    compute = sub.add_parser(
        "compute",
        help="compute the index: one row per unit and year",
        description="Compute scores: adcode, year, a column per framework code, rank.",
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_common(compute, names)
    unc = sub.add_parser(
        "uncertainty",
        help="Monte Carlo rank intervals",
        description="Per unit: nominal rank, median rank, 5th and 95th percentile rank.",
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_common(unc, names)
    unc.add_argument("--n", type=int, default=1000, help="number of Monte Carlo runs")
    unc.add_argument("--seed", type=int, default=0, help="random seed")
    sub.add_parser(
        "build-data",
        help="rebuild data/ from the census tables (see build-data --help)",
        add_help=False,
    )
    return parser


# --------------------------------------------------------------------------------------------


def _inputs(args: argparse.Namespace) -> tuple[pd.DataFrame, Any, pd.DataFrame | None, str]:
    from indicators.coinr import load_coinr
    from indicators.tables import default_paths, load_data, load_framework, load_units

    paths = default_paths()
    if args.coinr:
        if not args.data or not args.framework:
            raise UsageError("--coinr needs --data (iData) and --framework (iMeta)")
        data, framework = load_coinr(args.data, args.framework)
        source = f"{Path(args.data).name} + {Path(args.framework).name} (COINr iData/iMeta)"
    else:
        framework = load_framework(args.framework or paths["framework"])
        data = load_data(args.data or paths["data"], framework)
        source = Path(args.data).name if args.data else "bundled census data (data/cities.csv)"
    units = None
    if args.units_file:
        units = load_units(args.units_file)
    elif not args.data and not args.coinr:
        units = load_units(paths["units"])
    return data, framework, units, source


def _members(args: argparse.Namespace, data: pd.DataFrame, units: pd.DataFrame | None) -> list[str]:
    from indicators.groups import select_units

    spec = args.units
    if spec is None:
        spec = "yrd27" if units is not None and "yrd27" in units.columns else "all"
    if units is None:
        units = pd.DataFrame({"adcode": sorted(data["adcode"].unique())})
    return select_units(units, spec)


def _config(args: argparse.Namespace) -> Any:
    from indicators.config import Config

    changes: dict[str, Any] = {}
    for step in STEPS:
        value = getattr(args, step)
        if value is not None:
            changes[step] = value
    if args.scope is not None:
        changes["normalise_scope"] = args.scope
    if args.min_coverage is not None:
        changes["min_coverage"] = args.min_coverage
    elif args.coinr:
        changes["min_coverage"] = 0.0  # COINr Aggregate(): dat_thresh = NULL
    return Config().replace(**changes)


def _output(args: argparse.Namespace) -> tuple[Path, str]:
    out = Path(args.out)
    fmt = OUTPUT_SUFFIXES.get(out.suffix.lower())
    if fmt is None:
        raise UsageError(f"--out must end in .csv, .xlsx or .parquet, got {args.out!r}")
    return out, fmt


def _unit_groups(units: pd.DataFrame | None) -> dict[str, str] | None:
    if units is None or "province_zh" not in units.columns:
        return None
    return dict(zip(units["adcode"], units["province_zh"], strict=True))


def _finish(frame: pd.DataFrame, args: argparse.Namespace, years: Sequence[int]) -> pd.DataFrame:
    if args.year is not None:
        if args.year not in set(years):
            shown = ", ".join(str(y) for y in sorted(set(years)))
            raise ValidationError([f"year {args.year} is not in the data (years: {shown})"])
        frame = frame[frame["year"] == args.year]
    frame = frame.reset_index(drop=True)
    if args.coinr:
        frame = frame.rename(columns={"adcode": "uCode"})
    return frame


def _compute(args: argparse.Namespace) -> int:
    from indicators.export import write_table
    from indicators.pipeline import run_pipeline

    out, fmt = _output(args)
    data, framework, units, source = _inputs(args)
    config = _config(args)
    members = _members(args, data, units)
    result = run_pipeline(data, framework, config, units=members, unit_groups=_unit_groups(units))
    frame = _finish(result.scores, args, data["year"].tolist())
    write_table(frame, out, fmt, result=result, data_source=source)
    print(f"wrote {len(frame)} rows to {out}", file=sys.stderr)
    return 0


def _uncertainty(args: argparse.Namespace) -> int:
    from indicators.export import write_table

    out, fmt = _output(args)
    if args.n < 1:
        raise UsageError("--n must be at least 1")
    try:
        from indicators.uncertainty import uncertainty
    except ImportError as exc:
        print(f"error: uncertainty analysis is not available: {exc}", file=sys.stderr)
        return 1
    data, framework, units, source = _inputs(args)
    config = _config(args)
    members = _members(args, data, units)
    result = uncertainty(data, framework, config, n=args.n, seed=args.seed, units=members)
    frame = _finish(result.ranks, args, data["year"].tolist())
    write_table(frame, out, fmt, data_source=source)
    print(f"wrote {len(frame)} rows to {out}", file=sys.stderr)
    return 0


def _build_data(argv: list[str]) -> int:
    try:
        from indicators.census.build import main as build_main
    except ImportError as exc:
        print(f"error: the census build is not available: {exc}", file=sys.stderr)
        return 1
    return int(build_main(argv) or 0)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 data problem, 2 usage)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "build-data":
        return _build_data(argv[1:])
    try:
        parser = build_parser()
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:  # --help / --version
            return int(exc.code or 0)
        if args.command == "compute":
            return _compute(args)
        return _uncertainty(args)
    except UsageError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except ValidationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 1
    except Exception as exc:  # never a traceback for the user; say what happened
        print(f"error: unexpected {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
