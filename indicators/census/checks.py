"""Sanity checks of the census build (OWID etl style): after loading and before saving.

Every check raises ``CheckError`` with a message that says what is wrong and where.
"""

from __future__ import annotations

import pandas as pd

from indicators.census.raw import MUNICIPALITIES

N_UNITS = 337  # 333 prefecture-level divisions + 4 municipalities (mainland China, 2020)
RECONCILE_TOL = 0.0  # county rows must add up exactly (relative difference) to their totals

# plausible range per indicator (inclusive); a value outside stops the build
RANGES: dict[str, tuple[float, float]] = {
    "edu_college_per_100k": (500, 60_000),
    "edu_bachelor_pct": (0, 40),
    "edu_years": (3, 14),
    "prof_tech_pct": (0, 40),
    "migrant_interprov_pct": (0, 70),
    "migrant_intraprov_pct": (0, 60),
    "pop_growth_pct": (-6, 10),
    "urban_pct": (5, 100),
    "kis_emp_pct": (0, 30),
    "ict_emp_pct": (0, 15),
    "sci_emp_pct": (0, 10),
    "housing_m2_pc": (10, 80),
    "rental_pct": (0, 80),
    "edu_health_emp_pct": (0, 30),
    "culture_emp_pct": (0, 5),
    "young_adult_pct": (10, 70),
    "aged_pct": (0, 30),
    "child_pct": (0, 40),
    "fertility": (0.5, 3.5),
}
POPULATION_RANGE = (
    100,
    40_000_000,
)  # Sansha (444 in 2010, 2,333 in 2020) to Chongqing (32 million)
# always missing: no 2010 source (growth over 2000–2010 needs the 2000 census)
MISSING_BY_DESIGN = {("pop_growth_pct", 2010)}


class CheckError(Exception):
    """A sanity check of the census build failed."""


def _reconcile(total: float, parts: float, label: str, tol: float = RECONCILE_TOL) -> None:
    if total <= 0 or abs(parts / total - 1) > tol + 1e-12:
        raise CheckError(f"{label}: parts sum to {parts:,.0f}, total row says {total:,.0f}")


def check_raw_2020(t20: pd.DataFrame) -> None:
    """Row structure of the 2020 table: nation = provinces = cities + province-administered
    counties, and each city row = its county rows (development zones included): no double count."""
    if t20["level"].eq("nation").sum() != 1:
        raise CheckError("2020 table: expected exactly one 全国 row")
    nation = t20.loc[t20["level"].eq("nation"), "pop"].iloc[0]
    prov = t20[t20["level"].eq("province")]
    if len(prov) != 31:
        raise CheckError(f"2020 table: expected 31 province rows, found {len(prov)}")
    _reconcile(nation, prov["pop"].sum(), "2020 national population vs sum of provinces")
    city = t20[t20["level"].eq("city")]
    county = t20[t20["level"].eq("county")]
    prov_admin = county[county["code"].str[2:4].eq("90")]
    _reconcile(nation, city["pop"].sum() + prov_admin["pop"].sum(),
               "2020 national population vs cities + province-administered counties")  # fmt: skip
    by_city = county.groupby(["province", "city"])["pop"].sum()
    for (p, c), total in city.groupby(["province", "city"])["pop"].sum().items():
        if (p, c) in by_city.index:
            _reconcile(total, by_city[(p, c)], f"2020 {p}{c}: county rows vs city row")
    dup = city["code"].duplicated()
    if dup.any():
        raise CheckError(f"2020 table: duplicated city codes {city.loc[dup, 'code'].tolist()}")


def check_raw_2010(t10: pd.DataFrame) -> None:
    """2010 county rows add up to their province rows (the table has no national row)."""
    prov = t10[t10["level"].eq("province")]
    if len(prov) != 31:
        raise CheckError(f"2010 table: expected 31 province rows, found {len(prov)}")
    county = t10[t10["level"].eq("county")]
    by_prov = county.groupby("province")["pop"].sum()
    for code, total in zip(prov["code"], prov["pop"], strict=True):
        _reconcile(
            total, by_prov.get(code, 0.0), f"2010 province {code}: county rows vs province row"
        )


def check_crosswalk(xwalk: pd.DataFrame, t10: pd.DataFrame, units: pd.DataFrame) -> None:
    """Every 2010 county row has one 2020 unit or is an excluded province-administered county;
    every 2020 unit receives 2010 rows (Sansha only the 西沙群岛 row)."""
    if xwalk["key"].duplicated().any():
        raise CheckError("crosswalk: duplicated 2010 keys")
    n10 = t10["level"].eq("county").sum()
    if len(xwalk) != n10:
        raise CheckError(f"crosswalk: {len(xwalk)} rows for {n10} 2010 county rows")
    kept = xwalk[xwalk["adcode_2020"].ne("")]
    unknown = set(kept["adcode_2020"]) - set(units["adcode"])
    if unknown:
        raise CheckError(f"crosswalk: unknown 2020 units {sorted(unknown)}")
    empty = sorted(set(units["adcode"]) - set(kept["adcode_2020"]))
    if empty:
        raise CheckError(f"crosswalk: 2020 units with no 2010 rows: {empty}")
    excluded = xwalk[xwalk["adcode_2020"].eq("")]
    wrong = excluded[~excluded["code_2010"].str[2:4].eq("90")]
    if len(wrong):
        raise CheckError(
            f"crosswalk: dropped 2010 rows that are not province-administered: {wrong['key'].tolist()}"
        )
    total = t10[t10["level"].eq("province")]["pop"].sum()
    _reconcile(
        total,
        kept["pop"].sum() + excluded["pop"].sum(),
        "2010 units + excluded counties vs provinces",
    )


def check_validation(v: pd.DataFrame, yrd41: list[str]) -> None:
    """Crosswalk quality against the csv's boundary-adjusted popu_2010 (thresholds of the issue):
    at least 90% of the cities within 1%; every city above 1% has a documented cause; cities
    whose csv unit is the yearbook's unit (``comparable``) within 5%; all YRD41 comparable."""
    ok = v[v["error_pct"].notna()]
    share = ok["within_1pct"].mean()
    if share < 0.9:
        raise CheckError(f"crosswalk validation: only {share:.1%} of cities within 1% (need 90%)")
    big = ok[(ok["error_pct"].abs() > 5) & ok["comparable"].eq(1)]
    if len(big):
        raise CheckError(
            f"crosswalk validation: cities off by more than 5%: {big[['adcode', 'name_zh', 'error_pct']].to_dict('records')}"
        )
    unexplained = ok[((ok["error_pct"].abs() > 1) | ok["comparable"].eq(0)) & ok["cause"].eq("")]
    if len(unexplained):
        raise CheckError(
            f"crosswalk validation: cities above 1% or not comparable without a documented cause: {unexplained[['adcode', 'name_zh', 'error_pct']].to_dict('records')}"
        )
    yrd = ok[ok["adcode"].isin(yrd41) & ok["comparable"].eq(1)]
    if len(yrd) != 41:
        raise CheckError(
            f"crosswalk validation: {len(yrd)} YRD41 cities have a like-for-like benchmark, expected 41"
        )


def check_outputs(
    cities: pd.DataFrame, units_table: pd.DataFrame, framework: pd.DataFrame, units: pd.DataFrame
) -> None:
    """Keys unique, no unit silently dropped, values in range, missing only where documented."""
    if cities.duplicated(["adcode", "year"]).any():
        raise CheckError("cities: duplicated (adcode, year)")
    if not cities["adcode"].str.fullmatch(r"\d{6}").all():
        raise CheckError("cities: adcodes must be 6-digit strings")
    if len(units) != N_UNITS:
        raise CheckError(f"expected {N_UNITS} units in 2020, found {len(units)}")
    for year, grp in cities.groupby("year"):
        missing_units = sorted(set(units["adcode"]) - set(grp["adcode"]))
        if len(grp) != N_UNITS or missing_units:
            raise CheckError(f"cities {year}: {len(grp)} units, missing {missing_units}")
    if set(units_table["adcode"]) != set(units["adcode"]):
        raise CheckError("units.csv does not list exactly the 2020 units")
    lo, hi = POPULATION_RANGE
    bad = cities[~cities["population"].between(lo, hi)]
    if len(bad):
        raise CheckError(
            f"population out of range: {bad[['adcode', 'year', 'population']].to_dict('records')}"
        )
    indicators = framework.loc[framework["level"].eq("1"), "code"].tolist()
    codes = [c for c in cities.columns if c not in ("adcode", "year", "population")]
    if indicators != codes:
        raise CheckError(
            f"cities.csv columns {codes} differ from framework indicators {indicators}"
        )
    problems = []
    for code in codes:
        lo, hi = RANGES[code]
        col = cities[code]
        out = cities[col.notna() & ~col.between(lo, hi)]
        for row in out.itertuples():
            problems.append(
                f"{code} {row.adcode} {row.year} = {getattr(row, code)} outside [{lo}, {hi}]"
            )
        for year in (2010, 2020):
            values = col[cities["year"].eq(year)]
            if (code, year) in MISSING_BY_DESIGN:
                if values.notna().any():
                    problems.append(f"{code} {year} must be missing")
            elif values.isna().sum() > 1:  # only Sansha may lack a value
                problems.append(f"{code} {year}: {int(values.isna().sum())} missing values")
    if problems:
        raise CheckError("value checks failed:\n  " + "\n  ".join(problems))
    municipalities = {p + "0000" for p in MUNICIPALITIES}
    if not municipalities <= set(units["adcode"]):
        raise CheckError("municipalities must be units with their province-level adcode")


# county values: wider than the city ranges (functional zones are small, young, migrant places)
COUNTY_RANGES: dict[str, tuple[float, float]] = {
    code: (0.0, 100_000.0 if code == "edu_college_per_100k" else 100.0) for code in RANGES
}
COUNTY_RANGES.update(
    {"edu_years": (2, 16), "housing_m2_pc": (1, 150), "fertility": (0.2, 5),
     "pop_growth_pct": (-30, 60)}
)  # fmt: skip
# housing: 玉树 1.06 m² per person in 2010 (the census followed the April 2010 earthquake),
# 泽库 4.5 (herders' tents); raw values, kept


def check_counties(
    counties: pd.DataFrame, county_units: pd.DataFrame, rows20: pd.DataFrame,
    t20: pd.DataFrame, units: pd.DataFrame,
) -> None:  # fmt: skip
    """Keys unique; every 2020 county row is a unit; the counties partition every city and the
    nation (2020 population, exactly); values in range."""
    if counties.duplicated(["adcode", "year"]).any():
        raise CheckError("counties: duplicated (adcode, year)")
    if not counties["adcode"].str.fullmatch(r"\d{6}").all():
        raise CheckError("counties: adcodes must be 6-digit strings")
    y20 = counties[counties["year"].eq(2020)]
    if set(y20["adcode"]) != set(county_units["adcode"]) or len(y20) != len(rows20):
        raise CheckError("counties 2020: the table does not list exactly the county units")
    y10 = set(counties.loc[counties["year"].eq(2010), "adcode"])
    matched = set(county_units.loc[county_units["match_2010"].isin(
        ["code", "reviewed", "renamed"]), "adcode"])  # fmt: skip
    if y10 != matched:
        raise CheckError("counties 2010: rows differ from the units with a 2010 match")
    nation = t20.loc[t20["level"].eq("nation"), "pop"].iloc[0]
    _reconcile(nation, y20["population"].sum(), "2020 nation vs sum of county-level units")
    pop = y20.set_index("adcode")["population"]
    parent = county_units.set_index("adcode")["city_adcode"]
    city = t20[t20["level"].eq("city")].assign(unit=lambda d: d["code"].map(_unit_code))
    totals = city.groupby("unit")["pop"].sum()
    by_city = pop.groupby(parent).sum()
    for code, total in totals.items():
        _reconcile(total, float(by_city.get(code, 0)), f"2020 city {code}: counties vs city row")
    problems = []
    for code, (lo, hi) in COUNTY_RANGES.items():
        col = counties[code]
        for row in counties[col.notna() & ~col.between(lo, hi)].itertuples():
            problems.append(f"{code} {row.adcode} {row.year} = {getattr(row, code)}")
    if problems:
        raise CheckError("county value checks failed:\n  " + "\n  ".join(problems))


def _unit_code(code: str) -> str:
    return code[:2] + "0000" if code[:2] in MUNICIPALITIES else code
