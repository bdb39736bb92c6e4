"""Cached calls into the engine. Pages call these and never compute anything themselves.

Caching: ``st.cache_resource`` holds the bundled dataset (read-only, shared by all sessions);
``st.cache_data`` holds results per (dataset, config, peer group), bounded by ``max_entries``
and ``ttl`` so memory reaches a plateau under many users. A user's uploaded dataset is keyed by
the SHA-256 of its bytes and lives in that user's session only (``st.session_state``): another
session can reach its cached results only by uploading the very same bytes.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

import indicators
from indicators import Config, Framework
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

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_zh


@st.cache_resource(show_spinner=False)
def bundled_dataset() -> Dataset:
    """The committed census-derived tables, the framework and the city boundaries."""
    paths = indicators.default_paths()
    framework = indicators.load_framework(paths["framework"])
    data = indicators.load_data(paths["data"], framework=framework)
    units = indicators.load_units(paths["units"])
    geo_path = Path(paths["geo"])
    notes_path = ROOT / "data" / "missing_notes.csv"
    notes = (
        pd.read_csv(notes_path, dtype={"adcode": str, "year": "Int64"})
        if notes_path.exists()
        else None
    )
    geo_url = _publish_geo(geo_path) if geo_path.exists() else None
    return Dataset(
        "bundled",
        framework,
        data,
        units,
        "内置普查数据",
        "Bundled census data",
        notes,
        geo_url,
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


def _write_atomic(path: Path, payload: bytes) -> None:
    """Write via a temporary file and rename: a concurrent reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{threading.get_ident()}.tmp")
    tmp.write_bytes(payload)
    tmp.replace(path)


@st.cache_resource(show_spinner=False, max_entries=4)
def _file_digest(path: str, mtime_ns: int, size: int) -> str:
    """SHA-256 prefix of a file, recomputed only when its size or modification time change."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]


_FEATURE_ID = re.compile(rb'^\{"geometry":.*?"id":"([^"]+)"')


@st.cache_resource(show_spinner=False, max_entries=4)
def _geo_features(digest: str) -> dict[str, bytes]:
    """The served boundaries by feature id, read once per file version (``digest``)."""
    return split_features(STATIC_GEO.read_bytes())


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
    try:
        stat = STATIC_GEO.stat()
        digest = _file_digest(str(STATIC_GEO), stat.st_mtime_ns, stat.st_size)
        return _group_geo_url(digest, tuple(sorted(members)))
    except (OSError, ValueError, KeyError):
        return dataset.geo_url  # the full file still draws the same map


def current_dataset() -> Dataset:
    """The session's uploaded dataset if there is one, else the bundled one."""
    uploaded = st.session_state.get("uploaded_dataset")
    return uploaded if isinstance(uploaded, Dataset) else bundled_dataset()


def options_for(dataset: Dataset) -> Options:
    """Selections the dataset and the engine's method registries allow."""
    from indicators import methods

    units = dataset.units
    groups = [
        g for g in ("yrd27", "yrd41") if g in units.columns and units[g].astype(int).sum() >= 2
    ]
    groups += ["all"]
    provinces: tuple[str, ...] = ()
    if "province_zh" in units.columns:
        provinces = tuple(dict.fromkeys(units["province_zh"].dropna().astype(str)))
        if provinces:
            groups.append("province")
    groups.append("custom")
    return Options(
        years=tuple(sorted(int(y) for y in dataset.data["year"].unique())),
        provinces=provinces,
        adcodes=frozenset(dataset.data["adcode"].astype(str)),
        groups=tuple(groups),
        normalise=tuple(methods.NORMALISE),
        weights=tuple(methods.WEIGHTS),
        aggregate=tuple(methods.AGGREGATE),
        treat=tuple(methods.TREAT),
        impute=tuple(methods.IMPUTE),
    )


def members_for(dataset: Dataset, selections: dict) -> tuple[str, ...]:
    """The adcodes of the selected peer group."""
    group = selections["group"]
    if group == "custom":
        spec = ",".join(selections["members"])
    elif group == "province":
        spec = str(selections["prov"])
    else:
        spec = group
    return tuple(indicators.select_units(dataset.units, spec))


def config_for(selections: dict, weight_overrides: tuple = ()) -> Config:
    """The engine configuration for the sidebar's method choices."""
    return Config(
        impute=selections["imp"],
        treat=selections["treat"],
        normalise=selections["norm"],
        weights=selections["wt"],
        aggregate=selections["agg"],
        weight_overrides=tuple(weight_overrides),
    )


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES, ttl=CACHE_TTL_S)
def _result(key: str, config_json: str, members: tuple[str, ...], _dataset: Dataset):
    config = Config.from_dict(json.loads(config_json))
    groups = None
    if "province_zh" in _dataset.units.columns:
        groups = dict(zip(_dataset.units["adcode"], _dataset.units["province_zh"], strict=False))
    return indicators.run_pipeline(
        _dataset.data, _dataset.framework, config, units=list(members), unit_groups=groups
    )


def result(dataset: Dataset, config: Config, members: tuple[str, ...]):
    """The pipeline's ``Result`` for a dataset, configuration and peer group (cached)."""
    return _result(dataset.key, _config_json(config), members, dataset)


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES, ttl=CACHE_TTL_S)
def _uncertainty(
    key: str, config_json: str, members: tuple[str, ...], n: int, seed: int, _dataset: Dataset
):
    framework, config = _fixed_weights(
        _dataset.framework, Config.from_dict(json.loads(config_json))
    )
    return indicators.uncertainty(
        _dataset.data, framework, config, n=n, seed=seed, units=list(members)
    )


def _fixed_weights(framework: Framework, config: Config) -> tuple[Framework, Config]:
    """Move slider overrides into the framework when that changes nothing but speed.

    With framework weights and overrides that cover every child of a parent, the pipeline's
    result equals that of a framework carrying those weights; the uncertainty analysis then
    takes its vectorised path (overrides force a pipeline rerun per draw: ~10 s vs ~0.3 s).
    """
    overrides = dict(config.weight_overrides)
    if config.weights != "framework" or not overrides:
        return framework, config
    parents = {framework.parent(code) for code in overrides}
    if any(set(framework.children(p)) - set(overrides) for p in parents):
        return framework, config
    return framework.with_weights(overrides), config.replace(weight_overrides=())


def uncertainty(
    dataset: Dataset, config: Config, members: tuple[str, ...], n: int = 300, seed: int = 1
):
    """Monte Carlo rank intervals for the peer group (cached)."""
    return _uncertainty(dataset.key, _config_json(config), members, n, seed, dataset)


def _config_json(config: Config) -> str:
    return json.dumps(config.to_dict(), sort_keys=True, ensure_ascii=False, default=list)


RANK_INTERVAL_DRAWS = 200  # enough for stable 5–95% ranks in a table; the lab runs more


def uncertainty_ranks(
    dataset: Dataset, config: Config, members: tuple[str, ...]
) -> pd.DataFrame | None:
    """Rank intervals for the ranking table, or ``None`` when the analysis cannot run
    (e.g. a single indicator); the table then shows ranks without intervals."""
    try:
        return uncertainty(dataset, config, members, n=RANK_INTERVAL_DRAWS, seed=1).ranks
    except indicators.ValidationError:
        return None


def strengths_weaknesses(
    dataset: Dataset, config: Config, members: tuple[str, ...], adcode: str, year: int, k: int = 3
):
    """A unit's best and worst indicators by rank in the group (from the cached result)."""
    return indicators.strengths_weaknesses(result(dataset, config, members), adcode, year, k=k)


def nearest_peers(
    dataset: Dataset, config: Config, members: tuple[str, ...], adcode: str, year: int, k: int = 5
):
    """The units whose indicator profile is closest to ``adcode``'s."""
    return indicators.nearest_peers(result(dataset, config, members), adcode, year, k=k)


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES, ttl=CACHE_TTL_S)
def _what_it_takes(
    key: str,
    config_json: str,
    members: tuple[str, ...],
    adcode: str,
    year: int,
    places: int,
    _dataset: Dataset,
):
    config = Config.from_dict(json.loads(config_json))
    return indicators.what_it_takes(
        _dataset.data, _dataset.framework, config, adcode, year, places, units=list(members)
    )


def what_it_takes(
    dataset: Dataset, config: Config, members: tuple[str, ...], adcode: str, year: int, places: int
):
    """Smallest single-indicator improvement that lifts ``adcode`` by ``places`` ranks (cached)."""
    return _what_it_takes(dataset.key, _config_json(config), members, adcode, year, places, dataset)


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES, ttl=CACHE_TTL_S)
def _audit(
    key: str, config_json: str, members: tuple[str, ...], year: int | None, _dataset: Dataset
) -> dict:
    res = _result(key, config_json, members, _dataset)
    return {
        "correlations": indicators.correlations(res, level_a=1, year=year),
        "alpha": indicators.cronbach_alpha(res, year=year),
        "pca": indicators.pca_variance(res, year=year),
    }


def audit(
    dataset: Dataset, config: Config, members: tuple[str, ...], year: int | None = None
) -> dict:
    """Correlations, Cronbach's alpha and PCA variance of the group's normalised indicators."""
    return _audit(dataset.key, _config_json(config), members, year, dataset)


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES, ttl=CACHE_TTL_S)
def _export(
    key: str, config_json: str, members: tuple[str, ...], fmt: str, _dataset: Dataset
) -> bytes:
    import io

    from indicators import export

    res = _result(key, config_json, members, _dataset)
    buffer = io.BytesIO()
    export.write_table(res.scores, buffer, fmt, result=res, data_source=_dataset.label_en)
    return buffer.getvalue()


def export_bytes(dataset: Dataset, config: Config, members: tuple[str, ...], fmt: str) -> bytes:
    """The computed table as a downloadable file (csv, xlsx with methodology, parquet)."""
    return _export(dataset.key, _config_json(config), members, fmt, dataset)


def dataset_from_upload(
    data_file, framework_file, units_file=None
) -> tuple[Dataset | None, pd.DataFrame | None]:
    """Validate uploaded files; return (dataset, None) or (None, table of every problem).

    The dataset key is the SHA-256 of the uploaded bytes, so cached results are never shared
    between different uploads. Uploaded units files are optional: without one, names are the
    unit ids and the only peer groups are "all" and "custom".
    """
    import hashlib

    problems: list = []
    digest = hashlib.sha256()
    framework = data = units = None
    for f in (framework_file, data_file, units_file):
        if f is not None:
            digest.update(f.getvalue())
    try:
        framework = indicators.load_framework(framework_file)
    except indicators.ValidationError as err:
        problems.extend(err.problems)
    if framework is not None:
        try:
            data = indicators.load_data(data_file, framework=framework)
        except indicators.ValidationError as err:
            problems.extend(err.problems)
    if units_file is not None:
        try:
            units = indicators.load_units(units_file)
        except indicators.ValidationError as err:
            problems.extend(err.problems)
    if problems:
        table = pd.DataFrame(
            [
                {"file": p.source, "row": p.row, "column": p.column, "problem": p.message}
                for p in problems
            ]
        )
        return None, table
    if units is None:
        ids = sorted(data["adcode"].astype(str).unique())
        units = pd.DataFrame({"adcode": ids, "name_zh": ids, "name_en": ids})
    label = getattr(data_file, "name", "upload")
    dataset = Dataset(
        f"upload:{digest.hexdigest()}",
        framework,
        data,
        units,
        f"上传：{label}",
        f"Upload: {label}",
    )
    return dataset, None
