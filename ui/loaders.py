"""Cached calls into the engine. Pages call these and never compute anything themselves.

Every cached engine result is keyed on :attr:`Build.key <indicators.build.Build.key>` alone:
the engine's collision-free identity of everything that determines it (data, framework, config,
peer group, unit groups and names, and the data's source, file name included). Two builds that
differ in anything never share an entry, so nothing one session computed on its upload can be
served to another. The objects themselves are passed as ``_``-prefixed (unhashed) arguments.

``st.cache_resource`` holds the bundled dataset, builds and results (one shared, read-only
object each: a :class:`~indicators.result.Result` hands out a fresh frame on every read), bounded
by ``max_entries`` and ``ttl`` so memory reaches a plateau under many users. A user's uploaded
dataset lives in that user's session only (``st.session_state``).
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

import indicators
from indicators import Build, Config, Framework, Result
from indicators.download import INTERVAL_DRAWS, INTERVAL_SEED
from indicators.recipe import Recipe
from indicators.tables import BUNDLED_COUNTY_SOURCE, BUNDLED_SOURCE
from ui import state, upload_worker
from ui.state import Options

ROOT = Path(__file__).resolve().parents[1]
CACHE_ENTRIES = 64
CACHE_TTL_S = 3600


@dataclass(frozen=True)
class Dataset:
    """Everything one data source provides to the pages."""

    key: str  # "bundled" or "upload:<sha256>"
    framework: Framework
    data: pd.DataFrame
    units: pd.DataFrame
    label_zh: str
    label_en: str
    notes: pd.DataFrame | None = None  # why values are missing (data/missing_notes.csv)
    geo_url: str | None = None  # the boundaries as a URL the browser loads once (see _publish_geo)
    messages: tuple[str, ...] = ()  # what the upload's validation noted (shown on the Data page)
    level: str = "city"  # "city" or "county" (state.LEVELS); an upload is one level: "city"
    source: str = ""  # the builds' source name (part of their identity); default label_en
    #: where data, framework and units came from, for recipes: "bundled" or the file's name
    inputs: tuple[tuple[str, str], ...] = (
        ("data", "bundled"),
        ("framework", "bundled"),
        ("units", "bundled"),
    )

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_zh


def bundled_dataset(level: str = "city") -> Dataset:
    """The committed census-derived tables of a level (``"city"``: 337 prefecture-level units;
    ``"county"``: 2,989 county-level units), the framework, the missing-value notes and the
    boundaries (cached per level)."""
    if level not in state.LEVELS:
        raise ValueError(f"unknown level {level!r}")
    return _bundled(level)


@st.cache_resource(show_spinner=False)
def _bundled(level: str) -> Dataset:
    paths = indicators.default_paths(level)
    framework = indicators.load_framework(paths["framework"])
    data = indicators.load_data(paths["data"], framework=framework)
    units = indicators.load_units(paths["units"])
    geo_path = Path(paths["geo"])
    notes_path = Path(paths.get("notes", ROOT / "data" / "missing_notes.csv"))
    notes = (
        pd.read_csv(notes_path, dtype={"adcode": str, "year": "Int64"})
        if notes_path.exists()
        else None
    )
    if level == "county":
        geo_url = _publish_county_geo(geo_path) if geo_path.is_dir() else None
        labels = ("内置普查数据（区县）", "Bundled census data (counties)")
    else:
        geo_url = _publish_geo(geo_path) if geo_path.exists() else None
        labels = ("内置普查数据", "Bundled census data")
    return Dataset(
        "bundled" if level == "city" else f"bundled:{level}",
        framework,
        data,
        units,
        *labels,
        notes,
        geo_url,
        source=BUNDLED_SOURCE if level == "city" else BUNDLED_COUNTY_SOURCE,
        level=level,
    )


STATIC_GEO = ROOT / "static" / "geo" / "cities.geojson"
GEO_URL = "/app/static/geo/cities.geojson"
STATIC_GROUPS = STATIC_GEO.parent / "groups"
MAX_GROUP_FILES = 256  # custom groups write new files: keep the newest ones only


def _publish_geo(source: Path) -> str | None:
    """Serve the boundaries as a static file and return its URL, or None if that fails.

    Charts take a GeoJSON URL: the browser fetches the file once (and caches it), while an
    inline GeoJSON travels with, and is serialised on, every rerun. Streamlit only serves
    files inside ``static/`` (symlinks out of it are refused), so the committed ``data/geo``
    file is copied there (git-ignored) when missing or different.
    """
    try:
        payload = source.read_bytes()
        if not STATIC_GEO.exists() or STATIC_GEO.read_bytes() != payload:
            _write_atomic(STATIC_GEO, payload)
        return GEO_URL
    except OSError:
        return None


STATIC_COUNTY_GEO = STATIC_GEO.parent / "counties"
COUNTY_GEO_URL = "/app/static/geo/counties/"


def _publish_county_geo(folder: Path) -> str | None:
    """Serve the county boundaries (one file per province, ``<2-digit code>.geojson``) like
    the city file; returns the folder's URL, or None if that fails. A map loads only the
    provinces its group needs (:func:`group_geo_url`)."""
    try:
        for source in sorted(folder.glob("*.geojson")):
            payload = source.read_bytes()
            target = STATIC_COUNTY_GEO / source.name
            if not target.exists() or target.read_bytes() != payload:
                _write_atomic(target, payload)
        return COUNTY_GEO_URL
    except OSError:
        return None


def _county_features(provinces: tuple[str, ...]) -> dict[str, bytes]:
    """The served county boundaries of the given provinces (2-digit codes) by feature id."""
    features: dict[str, bytes] = {}
    for code in provinces:
        path = STATIC_COUNTY_GEO / f"{code}.geojson"
        if path.exists():
            stat = path.stat()
            features.update(
                _geo_features_of(str(path), _file_digest(str(path), stat.st_mtime_ns, stat.st_size))
            )
    return features


def _provinces_of(members) -> tuple[str, ...]:
    """The 2-digit province codes of adcodes (the file names of the county boundaries)."""
    return tuple(sorted({str(a)[:2] for a in members}))


def _write_atomic(path: Path, payload: bytes) -> None:
    """Write via a temporary file and rename: a concurrent reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{threading.get_ident()}.tmp")
    tmp.write_bytes(payload)
    tmp.replace(path)


@st.cache_resource(show_spinner=False, max_entries=64)
def _file_digest(path: str, mtime_ns: int, size: int) -> str:
    """SHA-256 prefix of a file, recomputed only when its size or modification time change."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]


_FEATURE_ID = re.compile(rb'^\{"geometry":.*?"id":"([^"]+)"')


@st.cache_resource(show_spinner=False, max_entries=4)
def _geo_features(digest: str) -> dict[str, bytes]:
    """The served boundaries by feature id, read once per file version (``digest``)."""
    return split_features(STATIC_GEO.read_bytes())


@st.cache_resource(show_spinner=False, max_entries=40)
def _geo_features_of(path: str, digest: str) -> dict[str, bytes]:
    """A served boundary file's features by id, read once per file version (``digest``)."""
    return split_features(Path(path).read_bytes())


def split_features(payload: bytes) -> dict[str, bytes]:
    """A GeoJSON FeatureCollection's features by ``id``, each as serialised JSON.

    ``indicators.census.geo`` writes one feature per line with sorted keys, so each line is
    split off by its ``"id"`` without decoding 2 MB of coordinates (0.14 s saved on the first
    visit's path); any other layout is decoded in full."""
    lines = payload.splitlines()
    features: dict[str, bytes] = {}
    for line in lines[1:-1]:
        match = _FEATURE_ID.match(line)
        if match is None:
            features = {}
            break
        features[match.group(1).decode()] = line.rstrip(b",")
    if features:
        return features
    collection = json.loads(payload)
    return {
        str(f.get("id")): json.dumps(f, separators=(",", ":"), ensure_ascii=False).encode()
        for f in collection["features"]
    }


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES, ttl=CACHE_TTL_S)
def _group_geo_url(digest: str, members: tuple[str, ...]) -> str:
    features = _geo_features(digest)
    chosen = [features[a] for a in members if a in features]
    if len(chosen) >= 0.8 * len(features):
        return GEO_URL  # nearly everything: the full file (probably cached by the browser)
    key = hashlib.sha256(f"{digest}|{','.join(members)}".encode()).hexdigest()[:20]
    path = STATIC_GROUPS / f"{key}.geojson"
    if not path.exists():
        collection = b'{"type":"FeatureCollection","features":[\n' + b",\n".join(chosen)
        _write_atomic(path, collection + b"\n]}\n")
        _prune(STATIC_GROUPS, MAX_GROUP_FILES)
    return f"/app/static/geo/groups/{key}.geojson"


def _prune(folder: Path, keep: int) -> None:
    """Delete all but the ``keep`` most recently written files (best effort)."""
    files = sorted(folder.glob("*.geojson"), key=lambda f: f.stat().st_mtime, reverse=True)
    for stale in files[keep:]:
        stale.unlink(missing_ok=True)


def group_geo_url(dataset: Dataset, members: tuple[str, ...]) -> str | None:
    """URL of the boundaries of just the peer group's units (None without boundaries).

    The whole country is 2.1 MB of GeoJSON; the 27 YRD cities are 0.11 MB. The browser then
    fetches, parses and projects only what the map shows, which is most of the map's cost on
    the first visit. Files are named by the source file's digest and the members, so a
    rebuilt boundary file never serves stale shapes.
    """
    if dataset.geo_url is None:
        return None
    if dataset.level == "county":
        return _county_group_geo_url(tuple(sorted(members)))
    try:
        stat = STATIC_GEO.stat()
        digest = _file_digest(str(STATIC_GEO), stat.st_mtime_ns, stat.st_size)
        return _group_geo_url(digest, tuple(sorted(members)))
    except (OSError, ValueError, KeyError):
        return dataset.geo_url  # the full file still draws the same map


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES, ttl=CACHE_TTL_S)
def _county_group_geo_url(members: tuple[str, ...]) -> str | None:
    """The county boundaries of just the group's units, from the files of the provinces its
    members lie in (a province's counties: one file's subset; the YRD 27 cities' counties:
    three provinces and Shanghai). Named by the source files' digests and the members."""
    provinces = _provinces_of(members)
    features = _county_features(provinces)
    chosen = [features[a] for a in members if a in features]
    if not chosen:
        return None
    digests = []
    for code in provinces:
        path = STATIC_COUNTY_GEO / f"{code}.geojson"
        if path.exists():
            stat = path.stat()
            digests.append(_file_digest(str(path), stat.st_mtime_ns, stat.st_size))
    key = hashlib.sha256(f"county|{','.join(digests)}|{','.join(members)}".encode()).hexdigest()
    path = STATIC_GROUPS / f"{key[:20]}.geojson"
    if not path.exists():
        collection = b'{"type":"FeatureCollection","features":[\n' + b",\n".join(chosen)
        _write_atomic(path, collection + b"\n]}\n")
        _prune(STATIC_GROUPS, MAX_GROUP_FILES)
    return f"/app/static/geo/groups/{key[:20]}.geojson"


def current_dataset(level: str = "city") -> Dataset:
    """The session's uploaded dataset if there is one, else the bundled one of ``level``."""
    uploaded = st.session_state.get("uploaded_dataset")
    return uploaded if isinstance(uploaded, Dataset) else bundled_dataset(level)


#: Fewest units a peer group must rank in every year: one unit has no one to be ranked against
#: (the engine would still compute it, min-max then spans only its two years).
MIN_RANKED = 2


@st.cache_resource(show_spinner=False, max_entries=8, ttl=CACHE_TTL_S)
def _rankable(key: str, _dataset: Dataset) -> dict[int, frozenset[str]]:
    from indicators import steps

    config = Config()  # the screening rule is not a sidebar choice: the default applies
    try:
        everyone = Build.create(_dataset.data, _dataset.framework, config)
    except indicators.ValidationError:  # the build itself is refused later, with the reasons
        data = _dataset.data
        return {
            int(y): frozenset(data.loc[data["year"] == y, "adcode"].astype(str))
            for y in data["year"].unique()
        }
    screening = steps.screen(everyone.panel.X, everyone.tree, config)
    adcodes = everyone.panel.adcode_array.to_numpy(dtype=str)
    years = everyone.panel.years
    return {int(y): frozenset(adcodes[(years == y) & ~screening.fails]) for y in np.unique(years)}


def rankable_units(dataset: Dataset) -> dict[int, frozenset[str]]:
    """Per year, the units that pass the engine's data-availability screening
    (:func:`indicators.steps.screen` under the default rule), i.e. that a peer group can rank.
    Screening looks at each unit-year's own data only, so it does not depend on the group."""
    return _rankable(dataset.key, dataset)


def ranked_count(dataset: Dataset, members) -> int:
    """How many of ``members`` can be ranked in the year with the fewest, among the years the
    group has data rows in (0 without years). A county group without 2010 rows (the counties
    of 苏州市: see docs/METHODS.md, "2010") is a 2020 group, as its build is."""
    chosen = set(members)
    present = _present(dataset.key, dataset)
    rankable = rankable_units(dataset)
    counts = [len(chosen & rankable[y]) for y, units in present.items() if chosen & units]
    return min(counts, default=0)


@st.cache_resource(show_spinner=False, max_entries=8, ttl=CACHE_TTL_S)
def _present(key: str, _dataset: Dataset) -> dict[int, frozenset[str]]:
    """Per year, the units with a data row."""
    data = _dataset.data
    return {
        int(y): frozenset(data.loc[data["year"] == y, "adcode"].astype(str))
        for y in data["year"].unique()
    }


def options_for(dataset: Dataset) -> Options:
    """Selections the dataset and the engine's declared method settings allow (cached per
    dataset: every rerun asks).

    A province is offered only when it has at least :data:`MIN_RANKED` rankable units in every
    year (so municipalities, one unit each, are not), in the units table's order."""
    return _options(dataset.key, dataset)


@st.cache_resource(show_spinner=False, max_entries=8, ttl=CACHE_TTL_S)
def _options(key: str, _dataset: Dataset) -> Options:
    units = _dataset.units
    groups = [
        g for g in ("yrd27", "yrd41") if g in units.columns and units[g].astype(int).sum() >= 2
    ]
    groups += ["all"]
    provinces: tuple[str, ...] = ()
    if "province_zh" in units.columns:
        known = units.dropna(subset=["province_zh"])
        by_province = known.groupby(known["province_zh"].astype(str), sort=False)["adcode"]
        provinces = tuple(
            str(p)
            for p, codes in by_province
            if ranked_count(_dataset, codes.astype(str)) >= MIN_RANKED
        )
        if provinces:
            groups.append("province")
    groups.append("custom")
    fw = _dataset.framework
    extra: dict = {}
    if _dataset.level == "county":
        extra = _county_options(_dataset, provinces)
        groups = [g for g in state.COUNTY_GROUPS if g in extra["groups"]]
        extra = {k: v for k, v in extra.items() if k != "groups"}
    return Options(
        years=tuple(sorted(int(y) for y in _dataset.data["year"].unique())),
        provinces=provinces,
        adcodes=frozenset(_dataset.data["adcode"].astype(str)),
        groups=tuple(groups),
        weights=tuple((d, float(fw.weight(d))) for d in fw.children(fw.root)),
        levels=state.LEVELS if _dataset.key.startswith("bundled") else ("city",),
        **extra,
    )


def _county_options(dataset: Dataset, provinces: tuple[str, ...]) -> dict:
    """County-level groups that can be ranked (at least :data:`MIN_RANKED` units): the cities
    whose counties can (in the units table's order), the provinces with enough county-level
    cities (县级市), and which of the county groups exist at all."""
    units = dataset.units
    by_city = units.dropna(subset=["city_adcode"]).groupby("city_adcode", sort=False)["adcode"]
    parents = tuple(
        str(c) for c, codes in by_city if ranked_count(dataset, codes.astype(str)) >= MIN_RANKED
    )
    ccity = units["type"].astype(str) == "县级市"
    cc = units.loc[ccity]
    cc_provinces = tuple(
        p for p in provinces
        if ranked_count(dataset, cc.loc[cc["province_zh"] == p, "adcode"].astype(str)) >= MIN_RANKED
    )  # fmt: skip
    groups = {"all", "custom"}
    groups |= {"citycounties"} if parents else set()
    groups |= {"province"} if provinces else set()
    groups |= {"ccity_prov"} if cc_provinces else set()
    if ranked_count(dataset, cc["adcode"].astype(str)) >= MIN_RANKED:
        groups.add("ccity_all")
    if "yrd27" in units.columns and units["yrd27"].astype(int).sum() >= MIN_RANKED:
        groups.add("yrd27")
    return {"groups": groups, "parents": parents, "cc_provinces": cc_provinces}


def province_of_name(dataset: Dataset, name: str) -> str | None:
    """The ``province_zh`` a province name (Chinese or English) stands for, or None."""
    units = dataset.units
    for column in ("province_zh", "province_en"):
        if column in units.columns:
            match = units.loc[units[column].astype(str) == str(name), "province_zh"].dropna()
            if len(match):
                return str(match.iloc[0])
    return None


def province_of(dataset: Dataset, adcode: object) -> str | None:
    """The ``province_zh`` of a unit, or None (unknown unit, or no provinces in the data)."""
    units = dataset.units
    if adcode is None or "province_zh" not in units.columns:
        return None
    match = units.loc[units["adcode"].astype(str) == str(adcode), "province_zh"].dropna()
    return str(match.iloc[0]) if len(match) else None


def members_for(dataset: Dataset, selections: dict) -> tuple[str, ...]:
    """The adcodes of the selected peer group."""
    return tuple(indicators.select_units(dataset.units, group_spec(selections)))


def group_spec(selections: dict) -> str:
    """The peer group as an engine spec (``indicators.select_units``): ``yrd27``, a province,
    the counties of a city (``city:320500``), county-level cities (``江苏省/县级市``), adcodes."""
    group = selections["group"]
    if group == "custom":
        return ",".join(selections["members"])
    if group == "province":
        return str(selections["prov"])
    if group == "citycounties":
        return f"city:{selections['parent']}"
    if group == "ccity_prov":
        return f"{selections['prov']}/县级市"
    if group == "ccity_all":
        return "all/县级市"
    return str(group)


def config_for(selections: dict) -> Config:
    """The engine configuration of the shared selections: every declared setting with a link
    key (``state.METHOD_PARAMS``) by that key, the lab's dimension weights (``w``) as weight
    overrides; settings not given stay at ``Config()``."""
    default = Config()
    return Config(
        **{p.name: selections.get(p.url, getattr(default, p.name)) for p in state.METHOD_PARAMS},
        weight_overrides=tuple(selections.get("w") or ()),
    )


def _digest(*parts: str) -> str:
    """SHA-256 of length-prefixed parts (unambiguous: ("ab", "c") != ("a", "bc"))."""
    h = hashlib.sha256()
    for part in parts:
        b = part.encode("utf-8", "surrogatepass")
        h.update(len(b).to_bytes(8, "big") + b)
    return h.hexdigest()


@st.cache_resource(show_spinner=False, max_entries=CACHE_ENTRIES, ttl=CACHE_TTL_S)
def _build(key: str, _dataset: Dataset, _members: tuple[str, ...], _config: Config) -> Build:
    return Build.create(
        _dataset.data,
        _dataset.framework,
        _config,
        members=list(_members),
        units=_dataset.units,
        source=_dataset.source or _dataset.label_en,
    )


def build(dataset: Dataset, members: tuple[str, ...], config: Config) -> Build:
    """The build of a dataset's peer group under a config (cached; raises
    :class:`~indicators.validate.ValidationError` with every reason it cannot be made)."""
    key = _digest(dataset.key, *members, json.dumps(config.to_dict(), sort_keys=True))
    return _build(key, dataset, members, config)


@st.cache_resource(show_spinner=False, max_entries=CACHE_ENTRIES, ttl=CACHE_TTL_S)
def _result(key: str, _build: Build) -> Result:
    return indicators.run_pipeline(_build)


def result(build: Build) -> Result:
    """The pipeline's ``Result`` of a build (cached on the build's identity)."""
    return _result(build.key, build)


@st.cache_resource(show_spinner=False, max_entries=CACHE_ENTRIES, ttl=CACHE_TTL_S)
def _uncertainty(key: str, n: int, seed: int, _result: Result):
    return indicators.uncertainty(_result, n=n, seed=seed)


def uncertainty(result: Result, n: int = 300, seed: int = 1):
    """Monte Carlo rank intervals of a result's build (cached)."""
    return _uncertainty(result.build.key, int(n), int(seed), result)


# the rank intervals of tables and downloads are declared in indicators.download (the command
# line's full table uses the same); the lab runs more draws
RANK_INTERVAL_DRAWS = INTERVAL_DRAWS
RANK_INTERVAL_SEED = INTERVAL_SEED


def uncertainty_or_reason(result: Result, n: int, seed: int):
    """``(UncertaintyResult, None)``, or ``(None, reason)`` when the analysis cannot run for
    this build (e.g. a framework with a single indicator); the page shows the reason."""
    try:
        return uncertainty(result, n=n, seed=seed), None
    except indicators.ValidationError as err:
        return None, "; ".join(p.message for p in err.problems)


def rank_intervals(result: Result) -> tuple[pd.DataFrame | None, str | None]:
    """Rank intervals for the ranking table and the profile: ``(ranks, None)`` or
    ``(None, reason)`` (see :func:`uncertainty_or_reason`)."""
    ua, reason = uncertainty_or_reason(result, RANK_INTERVAL_DRAWS, RANK_INTERVAL_SEED)
    return (None, reason) if ua is None else (ua.ranks, None)


def city_summary(
    result: Result, adcode: str, year: int, lang: str, group: str, intervals, noun=None
) -> str:
    """The profile's plain-language paragraph (:func:`indicators.summary.city_summary`;
    ``noun`` the units' kind, e.g. 区县 / counties)."""
    from indicators.summary import city_summary as summarise
    from indicators.summary import summary_separator

    sentences = summarise(result, adcode, year, lang, group=group, intervals=intervals, noun=noun)
    return summary_separator(lang).join(sentences)


def strengths_weaknesses(result: Result, adcode: str, year: int, k: int = 3):
    """A unit's best and worst indicators by rank in the group."""
    return indicators.strengths_weaknesses(result, adcode, year, k=k)


def nearest_peers(result: Result, adcode: str, year: int, k: int = 5):
    """The units whose indicator profile is closest to ``adcode``'s."""
    return indicators.nearest_peers(result, adcode, year, k=k)


@st.cache_resource(show_spinner=False, max_entries=CACHE_ENTRIES, ttl=CACHE_TTL_S)
def _what_it_takes(key: str, adcode: str, year: int, places: int, _result: Result):
    return indicators.what_it_takes(_result, adcode, year, places)


def what_it_takes(result: Result, adcode: str, year: int, places: int):
    """Smallest single-indicator improvement that lifts ``adcode`` by ``places`` ranks (cached)."""
    return _what_it_takes(result.build.key, str(adcode), int(year), int(places), result)


@st.cache_resource(show_spinner=False, max_entries=CACHE_ENTRIES, ttl=CACHE_TTL_S)
def _audit(key: str, year: int | None, _result: Result) -> dict:
    return {
        "correlations": indicators.correlations(_result, level_a=1, year=year),
        "alpha": indicators.cronbach_alpha(_result, year=year),
        "pca": indicators.pca_variance(_result, year=year),
    }


def audit(result: Result, year: int | None = None) -> dict:
    """Correlations, Cronbach's alpha and PCA variance of the group's normalised indicators."""
    return _audit(result.build.key, year, result)


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES, ttl=CACHE_TTL_S)
def _export(key: str, fmt: str, year: int, group: str, recipe: str, _result: Result) -> bytes:
    from indicators.download import write_download

    intervals, _reason = rank_intervals(_result)
    return write_download(
        _result,
        fmt,
        intervals=intervals,
        group=group,
        recipe=Recipe.from_json(recipe),
        year=year,
    )


def export_bytes(result: Result, fmt: str, year: int, group: str, recipe) -> bytes:
    """The view's download (:func:`indicators.download.write_download`: names, province, rank
    and interval, coverage, scores, raw and normalised values; XLSX adds a column guide, the
    weights and the exact build with its recipe) for one year, cached on the build's identity."""
    return _export(result.build.key, fmt, year, group, recipe.to_json().decode(), result)


def recipe_of(build: Build, dataset: Dataset, selections: dict) -> Recipe:
    """The recipe of the view's build: its peer group as chosen (yrd27, a province's name,
    custom), the year shown, and where the data came from."""
    from indicators.recipe import recipe_for

    spec = group_spec(selections) if selections["group"] != "custom" else "custom"
    return recipe_for(
        build,
        group=spec,
        year=int(selections["year"]),
        inputs=dict(dataset.inputs),
        level=dataset.level,
    )


def upload_key(files: dict[str, object]) -> str:
    """Identity of an upload: every file's role, name and bytes, each length-prefixed."""
    parts = ["upload"]
    for role, f in files.items():
        if f is None:
            parts += [role, "", ""]
        else:
            data = f.getvalue()
            parts += [role, str(getattr(f, "name", "")), hashlib.sha256(data).hexdigest()]
    return "upload:" + _digest(*parts)


MAX_SESSION_UNITS = upload_worker.MAX_SESSION_UNITS  # (declared there: the child checks them too)
MAX_SESSION_ROWS = upload_worker.MAX_SESSION_ROWS


def dataset_from_upload(
    data_file, framework_file, units_file=None, progress=lambda elapsed: None
) -> tuple[Dataset | None, pd.DataFrame | None]:
    """Validate uploaded files; return (dataset, None) or (None, table of every problem).

    The files are read in a separate low-priority process with a deadline
    (:mod:`ui.upload_worker`), so a hostile or huge file cannot hold up other visitors.
    Panels above :data:`MAX_SESSION_UNITS` units or :data:`MAX_SESSION_ROWS` rows are refused
    with a pointer to the command line. The dataset key names each file's role, name and
    content (:func:`upload_key`), so two uploads share cached results only when they are the
    same files under the same names. Uploaded units files are optional: without one, names
    are the unit ids and the only peer groups are "all" and "custom".
    """
    roles = {"data": data_file, "framework": framework_file, "units": units_file}
    files = {
        role: None if f is None else (str(getattr(f, "name", role)), bytes(f.getvalue()))
        for role, f in roles.items()
    }
    label = files["data"][0]
    outcome, value = upload_worker.validate(files, progress)
    if outcome == "timeout":
        message = (
            f"reading and checking the files took longer than {value:.0f} s and was stopped; "
            "use the command line (python -m indicators compute --data ...) for very large files"
        )
        return None, _problem_table(label, message)
    if outcome == "memory":
        return None, _problem_table(label, "the files need more memory than an upload may use")
    if outcome == "error":
        return None, _problem_table(label, f"the files could not be read ({value})")
    if value["problems"]:
        return None, _problem_table(label, problems=value["problems"])
    framework, data, units = value["framework"], value["data"], value["units"]
    n_units = data["adcode"].nunique()
    if n_units > MAX_SESSION_UNITS or len(data) > MAX_SESSION_ROWS:
        return None, _problem_table(
            label,
            upload_worker.session_limit_message(f"{n_units:,} units in {len(data):,} rows"),
        )
    if units is None:
        ids = sorted(data["adcode"].astype(str).unique())
        units = pd.DataFrame({"adcode": ids, "name_zh": ids, "name_en": ids})
    key = upload_key(roles)
    dataset = Dataset(
        key,
        framework,
        data,
        units,
        f"上传：{label}",
        f"Upload: {label}",
        geo_url=bundled_geo_for(data["adcode"]),
        messages=tuple(value["notes"]),
        inputs=tuple(
            (role, "none" if files[role] is None else files[role][0])
            for role in ("data", "framework", "units")
        ),
    )
    return dataset, None


def bundled_geo_for(adcodes) -> str | None:
    """The bundled boundaries' URL when some of ``adcodes`` have a bundled boundary (an upload
    of Chinese cities by adcode draws its map), else None. Units without one are not drawn;
    the Rankings page says how many (``map_partial``)."""
    try:
        bundled = bundled_dataset()
        if bundled.geo_url is None:
            return None
        stat = STATIC_GEO.stat()
        features = _geo_features(_file_digest(str(STATIC_GEO), stat.st_mtime_ns, stat.st_size))
    except (OSError, ValueError, KeyError):
        return None
    return bundled.geo_url if any(str(a) in features for a in set(adcodes)) else None


def without_boundary(dataset: Dataset, members: tuple[str, ...]) -> int:
    """How many of ``members`` have no boundary in the dataset's map (0 without a map)."""
    if dataset.geo_url is None:
        return 0
    if dataset.level == "county":
        features = _county_features(_provinces_of(members))
        return sum(a not in features for a in members)
    try:
        stat = STATIC_GEO.stat()
        features = _geo_features(_file_digest(str(STATIC_GEO), stat.st_mtime_ns, stat.st_size))
    except (OSError, ValueError, KeyError):
        return 0
    return sum(a not in features for a in members)


def _problem_table(source: str, message: str | None = None, problems=()) -> pd.DataFrame:
    """Problems as the table the Data page shows (file, row, column, problem)."""
    items = list(problems) or [indicators.Problem(source, None, None, message)]
    return pd.DataFrame(
        [{"file": p.source, "row": p.row, "column": p.column, "problem": p.message} for p in items]
    )
