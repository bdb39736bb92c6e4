"""Command line: ``python -m indicators compute | uncertainty | report | build-data``.

Errors never show a traceback: bad options exit with code 2 (usage), problems in the data or
the method settings with code 1, each with a message on stderr. ``main(argv)`` returns the exit
code so tests call it in-process.

Decisions (also in ``docs/METHODS.md``):

* Default inputs are the bundled ``data/`` files and the default peer group is ``yrd27``;
  with ``--coinr`` or with ``--data`` but no ``--units-file`` the default group is ``all``.
* ``--level county`` swaps the bundled tables for the county ones (``data/counties.csv``,
  ``data/county_units.csv``; ``indicators.tables.default_paths("county")``); the default
  peer group is then the counties of the 27 YRD cities (``yrd27``). Peer groups of counties:
  a city (``苏州市``, ``city:320500``), a province, a type filter (``江苏省/县级市``,
  ``yrd27/-功能区``, ``县级市``), a list of adcodes (``indicators.groups.SPEC_HELP``).
* Every method option (names, types, allowed values, help text, defaults) comes from the
  declarations in ``indicators.config.PARAMETERS`` and ``indicators.uncertainty.PARAMETERS``.
* ``--year Y`` computes on every year (so pooled bounds stay those of the whole panel) and
  writes only year ``Y``.
* ``--coinr`` reads ``--data`` as COINr's iData and ``--framework`` as its iMeta and, unless
  ``--min-coverage`` is given, uses ``min_coverage = 0`` like COINr's ``Aggregate()`` default
  (``dat_thresh = NULL``: an aggregate exists as long as one child has data), and, unless
  ``--screen`` is given, no screening (COINr's default build has no ``Screen()``).
* ``report`` writes the group report (or with ``--city`` one unit's brief) as PDF for
  ``--year`` (default: the latest year), with the uncertainty analysis of ``--n``/``--seed``.
* ``compute`` writes ``Result.ranking``: the scores and rank, then each unit-year's data
  coverage and screening verdict (``indicators_present, indicators_total, missing_dimensions,
  screening``), so an excluded unit is listed with its reason.
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

OUTPUT_SUFFIXES = {".csv": "csv", ".xlsx": "xlsx", ".parquet": "parquet"}


class UsageError(Exception):
    """A bad command-line option (exit code 2)."""


def _methods_epilog() -> str:
    from indicators.methods import METHODS

    lines = ["methods:"]
    for step, table in METHODS.items():
        lines.append(f"  --{step}:")
        for name, method in table.items():
            lines.append(f"    {name:<22} {method.description}".rstrip())
    return "\n".join(lines)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # never print a traceback; exit code 2
        raise UsageError(f"{self.prog}: error: {message}")


def _text_type(param):
    """argparse ``type`` for a declared parameter: its own parser, errors as usage errors."""

    def parse(text: str) -> Any:
        try:
            return param.parse(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(f"{param.cli_flag}: {exc}") from None

    parse.__name__ = param.name  # argparse names the type in its messages
    return parse


def add_declared(group, params, defaults: Any) -> None:
    """One flag per declared parameter that is offered on the command line (``param.cli``):
    choices, type, help text and the default all come from the declaration."""
    from indicators.params import OneOf

    for param in params:
        if not param.cli:
            continue
        default = getattr(defaults, param.name) if defaults is not None else None
        shown = f" (default: {default})" if default not in (None, (), "") else ""
        kwargs: dict[str, Any] = {"dest": param.name, "default": None}
        if isinstance(param.constraint, OneOf):  # argparse lists the choices itself
            kwargs["choices"] = list(param.constraint.options)
            kwargs["help"] = f"{param.help}{shown}"
        else:
            kwargs["type"] = _text_type(param)
            kwargs["metavar"] = param.name.upper()
            kwargs["help"] = f"{param.help}; {param.constraint.describe()}{shown}"
        group.add_argument(param.cli_flag, **kwargs)


def _add_common(
    parser: argparse.ArgumentParser, out_help: str = "output file: .csv, .xlsx or .parquet"
) -> None:
    from indicators.config import PARAMETERS, Config
    from indicators.groups import SPEC_HELP

    inputs = parser.add_argument_group("inputs")
    inputs.add_argument(
        "--level",
        choices=["city", "county"],
        default=None,
        help="bundled tables to use: city (data/cities.csv, 337 prefecture-level units) or "
        "county (data/counties.csv, 2,989 county-level units); default: city",
    )
    inputs.add_argument("--data", help="wide data table (CSV/XLSX/Parquet); default: bundled")
    inputs.add_argument("--framework", help="framework table; default: bundled framework.csv")
    inputs.add_argument(
        "--units",
        default=None,
        help=f"{SPEC_HELP} (default yrd27 for the bundled data, all otherwise)",
    )
    inputs.add_argument("--units-file", help="units table (adcode, names, provinces, groups)")
    inputs.add_argument("--year", type=int, help="write only this year (computed on all years)")
    inputs.add_argument(
        "--coinr",
        action="store_true",
        help="read COINr-style inputs: --data is iData (uCode, Time), --framework is iMeta",
    )
    inputs.add_argument(
        "--recipe",
        help="reproduce a build from its recipe file (JSON, from --write-recipe or the "
        "dashboard's Data page): peer group, year and every method setting come from it; "
        "the data must be the ones it was made from",
    )
    inputs.add_argument(
        "--write-recipe", metavar="FILE", help="also write the recipe of this build to FILE"
    )
    add_declared(parser.add_argument_group("methods (see the list below)"), PARAMETERS, Config())
    parser.add_argument("--out", required=True, help=out_help)


def build_parser() -> argparse.ArgumentParser:
    from indicators.uncertainty import PARAMETERS as UA_PARAMETERS
    from indicators.uncertainty import UNCERTAINTY_DEFAULTS

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
    _add_common(compute)
    compute.add_argument(
        "--columns",
        choices=("codes", "full"),
        default="codes",
        help="codes (default): a column per framework code and rank; full: the dashboard's "
        "download table (names, province, rank and rank interval, coverage, every score, "
        "raw and normalised values; see docs/ENGINE_API.md)",
    )
    unc = sub.add_parser(
        "uncertainty",
        help="Monte Carlo rank intervals",
        description="Per unit: nominal rank, median rank, 5th and 95th percentile rank.",
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_common(unc)
    add_declared(unc.add_argument_group("uncertainty"), UA_PARAMETERS, UNCERTAINTY_DEFAULTS)
    report = sub.add_parser(
        "report",
        help="the group report, or one city's brief (--city), as PDF",
        description="A PDF report for the peer group and year (overview, dimensions, change, "
        "uncertainty, one page per city, methodology), or the one-page brief of --city.",
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_common(report, out_help="output file: .pdf")
    extra = report.add_argument_group("report")
    extra.add_argument("--lang", choices=["zh", "en"], default="zh", help="language (default zh)")
    extra.add_argument("--city", metavar="ADCODE", help="only this unit's one-page brief")
    add_declared(report.add_argument_group("uncertainty"), UA_PARAMETERS, UNCERTAINTY_DEFAULTS)
    sub.add_parser(
        "build-data",
        help="rebuild data/ from the census tables (see build-data --help)",
        add_help=False,
    )
    return parser


# --------------------------------------------------------------------------------------------


def _inputs(args: argparse.Namespace) -> tuple[pd.DataFrame, Any, pd.DataFrame | None, str]:
    from indicators.coinr import load_coinr
    from indicators.tables import (
        BUNDLED_COUNTY_SOURCE,
        BUNDLED_SOURCE,
        default_paths,
        load_data,
        load_framework,
        load_units,
    )

    paths = default_paths(args.level)
    bundled = BUNDLED_COUNTY_SOURCE if args.level == "county" else BUNDLED_SOURCE
    if args.level == "county" and args.coinr:
        raise UsageError("--level county reads the bundled county table: leave out --coinr")
    if args.coinr:
        if not args.data or not args.framework:
            raise UsageError("--coinr needs --data (iData) and --framework (iMeta)")
        data, framework = load_coinr(args.data, args.framework)
        source = f"{Path(args.data).name} + {Path(args.framework).name} (COINr iData/iMeta)"
    else:
        framework = load_framework(args.framework or paths["framework"])
        data = load_data(args.data or paths["data"], framework)
        source = Path(args.data).name if args.data else bundled
    units = None
    if args.units_file:
        units = load_units(args.units_file)
    elif not args.data and not args.coinr:
        units = load_units(paths["units"])
    return data, framework, units, source


def _config(args: argparse.Namespace) -> Any:
    from indicators.config import PARAMETERS, Config

    changes = {p.name: getattr(args, p.name) for p in PARAMETERS if p.cli}
    changes = {k: v for k, v in changes.items() if v is not None}
    if args.coinr and "min_coverage" not in changes:
        changes["min_coverage"] = 0.0  # COINr Aggregate(): dat_thresh = NULL
    if args.coinr and "screen" not in changes:
        changes["screen"] = "none"  # COINr's default build has no Screen() step
    return Config().replace(**changes)


def _output(args: argparse.Namespace) -> tuple[Path, str]:
    out = Path(args.out)
    fmt = OUTPUT_SUFFIXES.get(out.suffix.lower())
    if fmt is None:
        raise UsageError(f"--out must end in .csv, .xlsx or .parquet, got {args.out!r}")
    for flag in ("data", "framework", "units_file", "recipe", "write_recipe"):
        given = getattr(args, flag, None)
        if given and _same_file(Path(given), out):
            raise UsageError(f"--out {args.out} is also --{flag.replace('_', '-')}: it would be "
                             "overwritten; write the result to another file")  # fmt: skip
    return out, fmt


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (b.exists() and a.samefile(b))
    except OSError:
        return False


def _recipe(args: argparse.Namespace) -> Any:
    """The recipe of ``--recipe``, with the options it fixes checked: none may be given
    besides it (they would silently change the build), and the inputs it names are needed."""
    from indicators.config import PARAMETERS
    from indicators.recipe import Recipe

    recipe = Recipe.read(args.recipe)
    given = [p.cli_flag for p in PARAMETERS if p.cli and getattr(args, p.name) is not None]
    if args.units is not None:
        given.append("--units")
    if args.coinr:
        given.append("--coinr")
    if given:
        raise UsageError(
            f"--recipe fixes the peer group and the methods; drop {', '.join(given)} (or leave "
            "out --recipe to choose them yourself)"
        )
    if args.year is not None and recipe.year is not None and args.year != recipe.year:
        raise UsageError(f"--year {args.year} differs from the recipe's year {recipe.year}")
    for what, flag in (("data", "data"), ("framework", "framework"), ("units", "units_file")):
        made_from = recipe.inputs.get(what, "bundled")
        if made_from not in ("bundled", "none") and not getattr(args, flag):
            raise UsageError(
                f"the recipe was made from the {what} file {made_from!r}: give it with "
                f"--{flag.replace('_', '-')}"
            )
    if args.level is not None and args.level != recipe.level:
        raise UsageError(f"--level {args.level} differs from the recipe's level {recipe.level}")
    args.level = recipe.level
    if args.year is None:
        args.year = recipe.year
    return recipe


def _build(args: argparse.Namespace) -> tuple[Any, str]:
    """The build the options describe (inputs, peer group, config), validated."""
    from indicators.build import Build

    recipe = _recipe(args) if args.recipe else None
    if args.level is None:
        args.level = "city"
    data, framework, units, source = _inputs(args)
    if recipe is not None:
        from indicators.recipe import build_from_recipe

        return build_from_recipe(recipe, data, framework, units), recipe.source
    spec = args.units
    if spec is None:
        spec = "yrd27" if units is not None and "yrd27" in units.columns else "all"
    build = Build.create(data, framework, _config(args), members=spec, units=units, source=source)
    if build.absent:
        shown = ", ".join(build.absent[:20]) + (" …" if len(build.absent) > 20 else "")
        print(
            f"note: {len(build.absent)} unit(s) of the peer group have no row in the data and "
            f"are left out: {shown}",
            file=sys.stderr,
        )
    return build, source


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
    build, source = _build(args)
    result = run_pipeline(build)
    if args.columns == "full":  # the same table as the dashboard's download
        from indicators.download import download_table, table_intervals

        table = download_table(result, table_intervals(result)[0])
    else:
        table = result.ranking
    frame = _finish(table, args, build.years)
    write_table(frame, out, fmt, result=result, data_source=source)
    print(f"wrote {len(frame)} rows to {out}", file=sys.stderr)
    _write_recipe(args, build)
    return 0


def _write_recipe(args: argparse.Namespace, build: Any) -> None:
    """``--write-recipe``: the recipe of the build just computed."""
    if not args.write_recipe:
        return
    from indicators.recipe import recipe_for

    inputs = {
        "data": Path(args.data).name if args.data else "bundled",
        "framework": Path(args.framework).name if args.framework else "bundled",
        "units": Path(args.units_file).name if args.units_file else "bundled",
    }
    if args.data and not args.units_file:
        inputs["units"] = "none"
    group = args.units if args.units is not None else None
    recipe_for(build, group=group, year=args.year, inputs=inputs, level=args.level).write(
        args.write_recipe
    )
    print(f"wrote the recipe to {args.write_recipe}", file=sys.stderr)


def _uncertainty(args: argparse.Namespace) -> int:
    from indicators.export import write_table
    from indicators.uncertainty import UNCERTAINTY_DEFAULTS, uncertainty

    out, fmt = _output(args)
    build, source = _build(args)
    n = UNCERTAINTY_DEFAULTS.n if args.n is None else args.n
    seed = UNCERTAINTY_DEFAULTS.seed if args.seed is None else args.seed
    result = uncertainty(build, n=n, seed=seed)
    frame = _finish(result.ranks, args, build.years)
    write_table(frame, out, fmt, data_source=source)
    print(f"wrote {len(frame)} rows to {out}", file=sys.stderr)
    return 0


def _report(args: argparse.Namespace) -> int:
    from indicators.pipeline import run_pipeline
    from indicators.report import FontMissing, ReportError, brief_pdf, group_label, report_pdf
    from indicators.uncertainty import UNCERTAINTY_DEFAULTS, uncertainty

    out = Path(args.out)
    if out.suffix.lower() != ".pdf":
        raise UsageError(f"--out must end in .pdf, got {args.out!r}")
    for flag in ("data", "framework", "units_file"):
        given = getattr(args, flag, None)
        if given and _same_file(Path(given), out):
            raise UsageError(f"--out {args.out} is also --{flag.replace('_', '-')}")
    build, _source = _build(args)
    years = build.years
    year = years[-1] if args.year is None else args.year
    if year not in years:
        shown = ", ".join(str(y) for y in years)
        raise ValidationError([f"year {year} is not in the data (years: {shown})"])
    result = run_pipeline(build)
    spec = args.units or (
        "yrd27" if build.units is not None and "yrd27" in build.units.columns else "all"
    )
    group = group_label(spec, args.lang, len(build.members), build.units)
    n = UNCERTAINTY_DEFAULTS.n if args.n is None else args.n
    seed = UNCERTAINTY_DEFAULTS.seed if args.seed is None else args.seed
    ua = uncertainty(result, n=n, seed=seed)
    source = None  # the file names as given; the bundled data named in the report's language
    if not args.data and not args.coinr:
        from indicators.report.content import texts

        source = texts(args.lang)["bundled_source"]
    try:
        if args.city:
            city = args.city.strip()
            if city not in build.members:
                raise ReportError(f"--city {city}: not a unit of the peer group ({spec})")
            pdf = brief_pdf(
                result, city, year, args.lang, group=group, uncertainty=ua, source=source
            )
        else:
            pdf = report_pdf(result, year, args.lang, group=group, uncertainty=ua, source=source)
    except (ReportError, FontMissing) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    out.write_bytes(pdf)
    what = f"brief of {args.city}" if args.city else f"report of {len(build.members)} units"
    print(f"wrote the {what} ({len(pdf) // 1024} kB) to {out}", file=sys.stderr)
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
        if args.command == "report":
            return _report(args)
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
