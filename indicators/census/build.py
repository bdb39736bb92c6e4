"""Build the project's default dataset from the census tables (an OWID-etl style data step).

load raw tables -> checks after loading -> 2010 crosswalk -> aggregate to 2020 units ->
indicators -> checks before saving -> write ``cities.csv``, ``units.csv``, ``framework.csv``,
``crosswalk_2010.csv``, ``crosswalk_validation.csv``, ``crosswalk_2010_overrides.csv`` (a copy of
the reviewed input next to this module), the county tables (``counties.csv``,
``county_units.csv``, ``county_match_2010.csv``, ``county_missing_notes.csv``; see
``indicators.census.county``) and ``SOURCES.md``.

Formulas are in ``INDICATORS`` below and in ``framework.csv``; provenance in ``SOURCES.md``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from indicators.census import checks, county, crosswalk, names, raw
from indicators.census.raw import AVERAGES, VARIABLES, CensusDataError

HERE = Path(__file__).parent
FRAMEWORK_FILE = HERE / "framework.csv"
CAUSES_FILE = HERE / "crosswalk_causes.csv"
SOURCES_TEMPLATE = HERE / "SOURCES.template.md"
COUNTY_SOURCES_TEMPLATE = HERE / "SOURCES_county.template.md"
YEARS = (2010, 2020)
DECIMALS = 4
MIN_LONG_SAMPLE = 100  # long-form (sample) denominators below this give a missing ratio
COMPARABLE_TOL = 0.005  # csv and yearbook 2020 populations agree within 0.5%: same unit definition

Frame = pd.DataFrame


def _pct(num: pd.Series, den: pd.Series, scale: float = 100.0) -> pd.Series:
    den = den.where(den > 0)
    return num / den * scale


def _long(num: pd.Series, den: pd.Series) -> pd.Series:
    """Ratio of long-form (sample) counts; missing when the sample is absent or tiny."""
    return _pct(num, den.where(den >= MIN_LONG_SAMPLE))


# code -> formula over the aggregated variables of one year (see raw.COLUMNS_2020/2010)
INDICATORS: dict[str, Callable[[Frame], pd.Series]] = {
    "edu_college_per_100k": lambda d: _pct(d["college"] + d["bachelor"], d["pop"], 100_000),
    "edu_bachelor_pct": lambda d: _pct(d["bachelor"], d["pop"]),
    "edu_years": lambda d: d["edu_years"],
    "prof_tech_pct": lambda d: _long(d["occ_prof"], d["occ_total"]),
    "migrant_interprov_pct": lambda d: _pct(d["mig_inter"], d["pop"]),
    "migrant_intraprov_pct": lambda d: _pct(d["mig_intra"], d["pop"]),
    "pop_growth_pct": lambda d: d["pop_growth_pct"],
    "urban_pct": lambda d: _pct(d["urban"], d["pop"]),
    "kis_emp_pct": lambda d: _long(d["ind_fin"] + d["ind_lease"] + d["ind_sci"], d["ind_total"]),
    "ict_emp_pct": lambda d: _long(d["ind_ict"], d["ind_total"]),
    "sci_emp_pct": lambda d: _long(d["ind_sci"], d["ind_total"]),
    "housing_m2_pc": lambda d: d["housing_pc"].where(d["hh_long"] >= MIN_LONG_SAMPLE),
    "rental_pct": lambda d: _long(d["rent"], d["hh_long"]),
    "edu_health_emp_pct": lambda d: _long(d["ind_edu"] + d["ind_health"], d["ind_total"]),
    "culture_emp_pct": lambda d: _long(d["ind_culture"], d["ind_total"]),
    "young_adult_pct": lambda d: _pct(d["age20_39"], d["pop"]),
    "aged_pct": lambda d: _pct(d["age65"], d["pop"]),
    "child_pct": lambda d: _pct(d["age0_14"], d["pop"]),
    "fertility": lambda d: d["fertility"].where(d["hh_long"] >= MIN_LONG_SAMPLE),
}
CODES = list(INDICATORS)
CITY_COLUMNS = ["adcode", "year", "population", *CODES]


def aggregate(rows: Frame, key: str = "adcode") -> Frame:
    """Combine rows into units: counts are summed; averages are weighted means.

    Weights (``raw.AVERAGES``): years of schooling by the population aged 6+, floor area per
    person by the family-household population, births per woman by women aged 15-64. A row
    enters a weighted mean only when both its value and its weight are present.
    """
    counts = [v for v in VARIABLES if v not in AVERAGES]
    out = rows.groupby(key)[counts].sum(min_count=1)
    for var, weight in AVERAGES.items():
        ok = rows[var].notna() & rows[weight].notna() & (rows[weight] > 0)
        num = (rows[var] * rows[weight]).where(ok).groupby(rows[key]).sum(min_count=1)
        den = rows[weight].where(ok).groupby(rows[key]).sum(min_count=1)
        out[var] = num / den
    return out


def rows_2020(t20: Frame) -> Frame:
    """City rows of the 2020 table keyed by unit (Chongqing's 市辖区 and 县 rows share 500000)."""
    city = t20[t20["level"].eq("city")].copy()
    city["adcode"] = city["code"].map(crosswalk.unit_code)
    return city


def rows_2010(t10: Frame, xwalk: Frame) -> Frame:
    c10 = t10[t10["level"].eq("county")].copy()
    c10["key"] = c10["code"].where(c10["code"].ne(""), c10["parent"] + ":" + c10["name"])
    c10 = c10.merge(xwalk[["key", "adcode_2020"]], on="key", how="left", validate="one_to_one")
    return c10[c10["adcode_2020"].ne("")].rename(columns={"adcode_2020": "adcode"})


def validation_table(agg10: Frame, agg20: Frame, city_csv: Frame, units: Frame) -> Frame:
    """Re-aggregated 2010 population against the boundary-adjusted ``popu_2010`` of the city csv.

    ``error_pct`` = (rebuilt / csv popu_2010 − 1) × 100. The csv (from local census bulletins)
    sometimes defines a city differently from the yearbook in 2020 too (e.g. Baoding without
    Dingzhou and Xiong'an): then ``comparable`` is 0, the benchmark is not like for like, and
    ``error_pct_rescaled`` shows the error against popu_2010 × (yearbook 2020 / csv 2020).
    """
    csv = city_csv.assign(adcode=city_csv["city_code"].map(crosswalk.unit_code))
    csv = csv[csv["adcode"].isin(units["adcode"])].set_index("adcode")
    v = pd.DataFrame(index=units["adcode"])
    v["name_zh"] = units.set_index("adcode")["name_zh"]
    v["pop2010_rebuilt"] = agg10["pop"]
    v["pop2010_csv"] = csv["popu_2010"]
    v["pop2020_yearbook"] = agg20["pop"]
    v["pop2020_csv"] = csv["popu_2020"]
    ratio = v["pop2020_yearbook"] / v["pop2020_csv"]
    v["comparable"] = ((ratio - 1).abs() <= COMPARABLE_TOL).astype(int)
    v["error_pct"] = (v["pop2010_rebuilt"] / v["pop2010_csv"] - 1) * 100
    rescaled = (v["pop2010_rebuilt"] / (v["pop2010_csv"] * ratio) - 1) * 100
    v["error_pct_rescaled"] = rescaled.where(v["comparable"].eq(0))
    v["within_1pct"] = (v["error_pct"].abs() <= 1).astype(int).where(v["error_pct"].notna())
    causes = pd.read_csv(CAUSES_FILE, dtype=str, keep_default_na=False).set_index("adcode")["cause"]
    v["cause"] = causes.reindex(v.index).fillna("")
    v = v.reset_index()
    for col in ("pop2010_rebuilt", "pop2010_csv", "pop2020_yearbook", "pop2020_csv"):
        v[col] = v[col].round(0).astype("Int64")
    for col in ("error_pct", "error_pct_rescaled"):
        v[col] = v[col].astype(float).round(2)
    v["within_1pct"] = v["within_1pct"].astype("Int64")
    return v


def growth_base(validation: Frame) -> pd.Series:
    """2010 population in 2020 boundaries used for pop_growth_pct.

    The csv's popu_2010 (adjusted below county level) where the csv's 2020 unit equals the
    yearbook's; otherwise our county re-aggregation, which is in the yearbook's boundaries.
    """
    v = validation.set_index("adcode")
    base = v["pop2010_csv"].where(v["comparable"].eq(1), v["pop2010_rebuilt"])
    return base.astype("Float64").astype(float)


def indicator_table(agg: Frame, year: int) -> Frame:
    out = pd.DataFrame(index=agg.index)
    out["year"] = year
    out["population"] = agg["pop"].round(0).astype("Int64")
    for code, formula in INDICATORS.items():
        out[code] = formula(agg).astype(float).round(DECIMALS)
    out.index.name = "adcode"
    return out.reset_index()


def build(census_dir: Path, out_dir: Path) -> None:
    """Read the raw census tables in ``census_dir`` and write the dataset into ``out_dir``."""
    census_dir = Path(census_dir)
    out_dir = Path(out_dir)
    t20 = raw.read_2020(census_dir)
    t10 = raw.read_2010(census_dir)
    city_csv = raw.read_city_csv(census_dir)
    checks.check_raw_2020(t20)
    checks.check_raw_2010(t10)

    units = crosswalk.units_2020(t20)
    overrides = crosswalk.read_overrides()
    xwalk = crosswalk.build_crosswalk(t10, t20, overrides)
    checks.check_crosswalk(xwalk, t10, units)

    agg20 = aggregate(rows_2020(t20))
    agg10 = aggregate(rows_2010(t10, xwalk))
    validation = validation_table(agg10, agg20, city_csv, units)
    checks.check_validation(validation, names.YRD41)

    agg20["pop_growth_pct"] = (
        (agg20["pop"] / growth_base(validation).reindex(agg20.index)) ** (1 / 10) - 1
    ) * 100
    agg10["pop_growth_pct"] = np.nan  # needs the 2000 census
    cities = pd.concat([indicator_table(agg10, 2010), indicator_table(agg20, 2020)])
    cities = cities[CITY_COLUMNS].sort_values(["adcode", "year"]).reset_index(drop=True)

    unit_table = names.unit_table(units)
    framework = pd.read_csv(FRAMEWORK_FILE, dtype=str, keep_default_na=False)
    checks.check_outputs(cities, unit_table, framework, units)

    out_dir.mkdir(parents=True, exist_ok=True)
    _write_csv(cities, out_dir / "cities.csv")
    _write_csv(unit_table, out_dir / "units.csv")
    _write_csv(framework, out_dir / "framework.csv")
    _write_csv(
        xwalk.drop(columns="pop").assign(pop_2010=xwalk["pop"].round(0).astype("Int64")),
        out_dir / "crosswalk_2010.csv",
    )
    _write_csv(validation, out_dir / "crosswalk_validation.csv")
    _write_csv(overrides, out_dir / "crosswalk_2010_overrides.csv")
    tables = build_counties(t20, t10, xwalk, units, unit_table)
    for name, frame in tables.items():
        _write_csv(frame, out_dir / name)
    sources = render_sources(cities, validation, xwalk, overrides, t20, t10)
    sources += render_county_sources(tables)
    (out_dir / "SOURCES.md").write_text(sources, encoding="utf-8", newline="\n")


COUNTY_COLUMNS = CITY_COLUMNS


def build_counties(
    t20: Frame, t10: Frame, xwalk: Frame, units: Frame, unit_table: Frame
) -> dict[str, Frame]:
    """The county tables (``indicators.census.county``), with the city table's formulas.

    Each county is one census row, so ``aggregate`` returns the row's own counts and averages;
    ``pop_growth_pct`` (2020) is the annual growth over the county's own 2010 census population,
    for counties with a one-to-one 2010 match only.
    """
    rows20 = county.county_rows_2020(t20, units)
    match = county.match_2010(rows20, t10, xwalk, county.read_renames())
    agg20 = aggregate(county.blanks_as_zero(rows20))
    agg10 = aggregate(county.blanks_as_zero(county.rows_2010(t10, match)))
    agg20["pop_growth_pct"] = ((agg20["pop"] / agg10["pop"].reindex(agg20.index)) ** 0.1 - 1) * 100
    agg10["pop_growth_pct"] = np.nan  # needs the 2000 census
    counties = pd.concat([indicator_table(agg10, 2010), indicator_table(agg20, 2020)])
    counties = counties[COUNTY_COLUMNS].sort_values(["adcode", "year"]).reset_index(drop=True)
    county_units = county.unit_table(rows20, unit_table, match)
    notes = pd.concat(
        [county.notes_for_absent_2010(match), county.missing_notes(counties, CODES)],
        ignore_index=True,
    )
    checks.check_counties(counties, county_units, rows20, t20, units)
    return {
        "counties.csv": counties,
        "county_units.csv": county_units,
        "county_match_2010.csv": match[county.MATCH_COLUMNS],
        "county_missing_notes.csv": notes,
    }


def render_county_sources(tables: dict[str, Frame]) -> str:
    """The county section of ``SOURCES.md`` (figures computed in this build)."""
    counties = tables["counties.csv"]
    units = tables["county_units.csv"]
    match = tables["county_match_2010.csv"]
    n10 = int(counties["year"].eq(2010).sum())
    types = units.groupby(["type", "type_en"]).size().reset_index(name="units")
    rules = match["match_2010"].value_counts().rename_axis("match_2010").reset_index(name="units")
    renamed = match[match["match_2010"].isin(["renamed", "reviewed"])].merge(
        units[["adcode", "name_zh"]], on="adcode"
    )[["adcode", "name_zh", "code_2010", "name_2010", "match_2010"]]
    missing = (
        counties.drop(columns=["adcode", "population"])
        .groupby("year")
        .agg(lambda s: int(s.isna().sum()))
        .T.reset_index()
        .rename(columns={"index": "indicator", 2010: "missing 2010", 2020: "missing 2020"})
    )
    text = COUNTY_SOURCES_TEMPLATE.read_text(encoding="utf-8")
    fills = {
        "{{N_COUNTIES}}": str(len(units)),
        "{{N_2010}}": str(n10),
        "{{N_ROWS}}": str(len(counties)),
        "{{TYPES}}": _md_table(types),
        "{{RULES}}": _md_table(rules),
        "{{RENAMED}}": _md_table(renamed),
        "{{MISSING}}": _md_table(missing),
        "{{N_SYNTHETIC}}": str(int(units["code_source"].eq("synthetic").sum())),
        "{{N_ZONES}}": str(int(units["type"].eq(county.ZONE).sum())),
    }
    for key, value in fills.items():
        text = text.replace(key, value)
    return text


def _write_csv(df: Frame, path: Path) -> None:
    df.to_csv(path, index=False, na_rep="", lineterminator="\n", encoding="utf-8")


def _md_table(df: Frame) -> str:
    cols = [str(c) for c in df.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in df.astype(object).itertuples(index=False):
        cells = [
            "" if (v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v))) else str(v)
            for v in row
        ]
        lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    return "\n".join(lines)


def render_sources(
    cities: Frame, validation: Frame, xwalk: Frame, overrides: Frame, t20: Frame, t10: Frame
) -> str:
    """Fill ``SOURCES.template.md`` with the tables computed in this build."""
    v = validation[validation["error_pct"].notna()]
    comp = v[v["comparable"].eq(1)]
    yrd = v[v["adcode"].isin(names.YRD41)]
    summary = pd.DataFrame(
        {
            "measure": [
                "cities with a benchmark",
                "of which like-for-like (comparable)",
                "within 1% (all)",
                "within 1% (comparable)",
                "within 1% (YRD41)",
                "median absolute error, % (all / comparable)",
                "max absolute error, % (all / comparable)",
                "cities above 1% (all / comparable)",
                "cities above 5% (all / comparable)",
            ],
            "value": [
                len(v),
                len(comp),
                f"{int(v['within_1pct'].sum())} ({v['within_1pct'].mean() * 100:.1f}%)",
                f"{int(comp['within_1pct'].sum())} ({comp['within_1pct'].mean() * 100:.1f}%)",
                f"{int(yrd['within_1pct'].sum())} of {len(yrd)}",
                f"{v['error_pct'].abs().median():.2f} / {comp['error_pct'].abs().median():.2f}",
                f"{v['error_pct'].abs().max():.2f} / {comp['error_pct'].abs().max():.2f}",
                f"{int((v['error_pct'].abs() > 1).sum())} / {int((comp['error_pct'].abs() > 1).sum())}",
                f"{int((v['error_pct'].abs() > 5).sum())} / {int((comp['error_pct'].abs() > 5).sum())}",
            ],
        }
    )
    above = validation[validation["error_pct"].abs() > 1].sort_values("error_pct")
    above = above[
        [
            "adcode",
            "name_zh",
            "pop2010_rebuilt",
            "pop2010_csv",
            "comparable",
            "error_pct",
            "error_pct_rescaled",
            "cause",
        ]
    ]
    noncomp = validation[validation["comparable"].eq(0)][
        [
            "adcode",
            "name_zh",
            "pop2020_yearbook",
            "pop2020_csv",
            "pop2010_csv",
            "pop2010_rebuilt",
            "error_pct",
            "cause",
        ]
    ]
    missing = (
        cities.drop(columns=["adcode", "population"])
        .groupby("year")
        .agg(lambda s: int(s.isna().sum()))
        .T.reset_index()
        .rename(columns={"index": "indicator", 2010: "missing 2010", 2020: "missing 2020"})
    )
    rules = xwalk["rule"].value_counts().rename_axis("rule").reset_index(name="2010 county rows")
    excluded20 = t20[t20["level"].eq("county") & t20["code"].str[2:4].eq("90")]
    excluded20 = excluded20.assign(
        name=excluded20["county"], pop=excluded20["pop"].astype("Int64")
    )[["code", "province", "name", "pop"]]
    moved = xwalk[xwalk["rule"].isin(["override", "name (province)"])]
    moved = moved[["code_2010", "name_2010", "parent_2010", "adcode_2020", "rule"]]
    text = SOURCES_TEMPLATE.read_text(encoding="utf-8")
    nation = t20[t20["level"].eq("nation")]["pop"].iloc[0]
    fills = {
        "{{N_UNITS}}": str(cities["adcode"].nunique()),
        "{{N_ROWS}}": str(len(cities)),
        "{{VALIDATION_SUMMARY}}": _md_table(summary),
        "{{VALIDATION_ABOVE_1PCT}}": _md_table(above),
        "{{NON_COMPARABLE}}": _md_table(noncomp),
        "{{MISSING}}": _md_table(missing),
        "{{RULES}}": _md_table(rules),
        "{{MOVED}}": _md_table(moved),
        "{{OVERRIDES}}": _md_table(overrides),
        "{{EXCLUDED}}": _md_table(excluded20),
        "{{EXCLUDED_POP}}": f"{int(excluded20['pop'].sum()):,}",
        "{{NATION_2020}}": f"{int(nation):,}",
        "{{PROVINCES_2010}}": f"{int(t10[t10['level'].eq('province')]['pop'].sum()):,}",
    }
    for key, value in fills.items():
        text = text.replace(key, value)
    return text


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m indicators.census [--census DIR] [--out DIR]``."""
    parser = argparse.ArgumentParser(
        prog="python -m indicators.census",
        description="Build data/cities.csv, units.csv, framework.csv and SOURCES.md from the "
        "2010 and 2020 census tables (Lei Dong et al., github.com/leiii/census, MIT).",
    )
    parser.add_argument(
        "--census",
        type=Path,
        default=Path("../shared/data/census"),
        help="folder with the raw census files (default: ../shared/data/census)",
    )
    parser.add_argument(
        "--out", type=Path, default=Path("data"), help="output folder (default: data)"
    )
    args = parser.parse_args(argv)
    if not args.census.is_dir():
        print(f"error: census folder not found: {args.census}", file=sys.stderr)
        return 2
    try:
        build(args.census, args.out)
    except (CensusDataError, checks.CheckError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote the census dataset to {args.out}")
    return 0
