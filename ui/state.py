"""Shared selections (language, peer group, year, methods, weights) and their URL form.

Every selection lives in ``st.session_state`` under the key of its URL parameter, so any view is
a link that reopens exactly as it was. Parsing is a pure function (testable without Streamlit):
a wrong, stale or hostile value falls back to the default and produces a notice; it never raises.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from indicators.config import PARAMETERS, Config
from ui.i18n import DEFAULT_LANG, LANGS

#: The method settings offered in the sidebar: every declared setting with a link key, in the
#: order of the declaration (``indicators.config.PARAMETERS``), with its choices and default.
METHOD_PARAMS = tuple(p for p in PARAMETERS if p.url)
_BY_URL = {p.url: p for p in METHOD_PARAMS}

# URL keys of the shared selections, in the order they appear in a link. ``w`` holds the
# dimension weights chosen in the lab (``w=D1:5,D2:0``): part of the build every page shows.
# ``level`` is the unit level (city or county: a dataset each); ``parent`` the city whose
# counties form the county-level group ``citycounties``.
SHARED_KEYS = ("lang", "level", "group", "prov", "parent", "members", "year", *_BY_URL, "w")
# URL keys that pages own (read with ``parse_list``/``parse_choice`` by the page itself).
PAGE_KEYS = ("city", "cities", "peer", "metric", "view", "find")
#: Highest relative weight a lab slider offers (steps of 0.5 from 0).
MAX_WEIGHT = 5.0
GROUPS = ("yrd27", "yrd41", "all", "province", "custom")
#: The unit levels, the default first (``indicators.tables.LEVELS``).
LEVELS = ("city", "county")
#: Peer groups of the county level, the default first: the counties of a city, of a province,
#: of the YRD 27 cities, the county-level cities (县级市) of a province or of China.
COUNTY_GROUPS = ("citycounties", "province", "yrd27", "ccity_prov", "ccity_all", "all", "custom")
MAX_PARAM_LENGTH = 2000  # longer values are refused outright (a link is not a data channel)


@dataclass(frozen=True)
class Options:
    """What the current dataset and engine allow; built once per dataset."""

    years: tuple[int, ...]
    provinces: tuple[str, ...]
    adcodes: frozenset[str]
    groups: tuple[str, ...] = GROUPS
    #: The dimensions the lab weighs (children of the index) with their framework weights.
    weights: tuple[tuple[str, float], ...] = ()
    #: The levels the data source offers (an upload has its own units: one level).
    levels: tuple[str, ...] = ("city",)
    #: County level: the cities whose counties can be ranked as a group (adcodes).
    parents: tuple[str, ...] = ()
    #: County level: the provinces with enough rankable county-level cities (县级市).
    cc_provinces: tuple[str, ...] = ()

    def default(self, key: str) -> object:
        """Default value of a shared selection (a method's is its ``Config()`` default)."""
        if key in _BY_URL:
            return getattr(Config(), _BY_URL[key].name)
        base = {
            "lang": DEFAULT_LANG,
            "level": LEVELS[0],
            "parent": self.parents[0] if self.parents else "",
            "group": self.groups[0],
            "prov": self.provinces[0] if self.provinces else "",
            "members": (),
            "year": max(self.years) if self.years else 0,
            "w": (),  # no override: the framework's weights
        }
        return base[key]

    def default_selections(self) -> dict[str, object]:
        """Every shared selection at its default (the "default build")."""
        return {key: self.default(key) for key in SHARED_KEYS}

    def choices(self, key: str) -> tuple:
        """Allowed values of a single-choice selection (a method's: its declared options)."""
        if key in _BY_URL:
            return tuple(_BY_URL[key].constraint.options)
        return {
            "lang": LANGS,
            "level": self.levels,
            "parent": self.parents,
            "group": self.groups,
            "prov": self.provinces,
            "year": self.years,
        }[key]


@dataclass(frozen=True)
class Notice:
    """A link parameter that could not be used as given."""

    key: str
    value: str
    default: str


def _first(value: object) -> str:
    """``st.query_params`` gives the last value for repeated keys; plain dicts may give lists."""
    if isinstance(value, list | tuple):
        value = value[-1] if value else ""
    return str(value)


def parse_choice(raw: str, choices: Iterable, default: object) -> tuple[object, bool]:
    """Return (value, ok). Integers (years) are matched by their decimal text."""
    for choice in choices:
        if raw == str(choice):
            return choice, True
    return default, False


def parse_list(raw: str, allowed: frozenset[str], limit: int = 400) -> tuple[tuple[str, ...], bool]:
    """A comma-separated list of ids; unknown ids or an over-long list make it invalid."""
    items = [s.strip() for s in raw.split(",") if s.strip()]
    unique = tuple(dict.fromkeys(items))
    if not unique or len(unique) > limit or any(a not in allowed for a in unique):
        return tuple(a for a in unique[:limit] if a in allowed), False
    return unique, True


def parse_weights(raw: str, codes: set[str], high: float = 5.0) -> tuple[dict[str, float], bool]:
    """``"D1:1,D2:2.5"`` -> {code: weight}; drops unknown codes and values outside [0, high]
    or off the slider's 0.5 steps, and says whether everything was usable."""
    out: dict[str, float] = {}
    ok = len(raw) <= MAX_PARAM_LENGTH
    for part in raw.split(",")[:100]:
        code, _, value = part.partition(":")
        try:
            number = float(value)
        except ValueError:
            ok = False
            continue
        if code.strip() in codes and 0.0 <= number <= high and number * 2 == round(number * 2):
            out[code.strip()] = number
        else:
            ok = False
    return out, ok


def parse(
    params: Mapping[str, object], options: Options
) -> tuple[dict[str, object], list[Notice], list[str]]:
    """Validate link parameters.

    Returns the shared selections (every key of ``SHARED_KEYS``), one ``Notice`` per value that
    was replaced by its default, and the unknown keys (ignored, also worth a notice).
    """
    values: dict[str, object] = {}
    notices: list[Notice] = []
    for key in SHARED_KEYS:
        default = options.default(key)
        if key not in params:
            values[key] = default
            continue
        raw = _first(params[key])
        if len(raw) > MAX_PARAM_LENGTH:
            values[key] = default
            notices.append(Notice(key, raw[:40] + "…", _show(default)))
            continue
        if key == "members":
            members, ok = parse_list(raw, options.adcodes)
            values[key] = members
            if not ok:
                notices.append(Notice(key, raw[:80], _show(members)))
            continue
        if key == "w":
            values[key], ok = parse_dimension_weights(raw, options.weights)
            if not ok:
                notices.append(Notice(key, raw[:80], _show_weights(values[key], options)))
            continue
        value, ok = parse_choice(raw, options.choices(key), default)
        values[key] = value
        if not ok:
            notices.append(Notice(key, raw[:80], _show(default)))
    # A custom group needs at least two known cities; a province group needs a province.
    if values["group"] == "custom" and len(values["members"]) < 2:
        if "group" in params:
            notices.append(
                Notice(
                    "members",
                    _first(params.get("members", ""))[:80],
                    _show(options.default("group")),
                )
            )
        values["group"] = options.default("group")
    unknown = sorted(k for k in params if k not in SHARED_KEYS and k not in PAGE_KEYS)[:20]
    return values, notices, [k[:40] for k in unknown]


def serialise(values: Mapping[str, object], options: Options) -> dict[str, str]:
    """Link parameters for the shared selections, leaving out defaults to keep links short."""
    out: dict[str, str] = {}
    for key in SHARED_KEYS:
        value = values.get(key, options.default(key))
        if key == "prov":  # always named: the default province depends on the city in view
            if values.get("group") == "province" and value:
                out[key] = str(value)
            continue
        if key == "parent":  # always named with its group, like the province
            if values.get("group") == "citycounties" and value:
                out[key] = str(value)
            continue
        if key == "members":
            if values.get("group") == "custom" and value:
                out[key] = ",".join(value)  # type: ignore[arg-type]
            continue
        if key == "w":
            if value:
                out[key] = weights_link(value, options)  # type: ignore[arg-type]
            continue
        if value != options.default(key):
            out[key] = str(value)
    return out


def parse_dimension_weights(
    raw: str, weights: tuple[tuple[str, float], ...]
) -> tuple[tuple[tuple[str, float], ...], bool]:
    """``"D1:5,D2:0"`` -> every dimension's weight (the framework's where not given), or ``()``
    when they equal the framework's; and whether everything was usable. All dimensions are
    passed together so that they act as relative weights (w_d / Σ w)."""
    defaults = dict(weights)
    parsed, ok = parse_weights(raw, set(defaults), MAX_WEIGHT)
    return dimension_weights({**defaults, **parsed}, weights), ok


def dimension_weights(
    values: Mapping[str, float], weights: tuple[tuple[str, float], ...]
) -> tuple[tuple[str, float], ...]:
    """The shared ``w`` selection for slider values: every dimension in order, or ``()`` when
    all equal the framework's weights (the default build)."""
    chosen = tuple((code, float(values.get(code, default))) for code, default in weights)
    return () if all(v == d for (_, v), (_, d) in zip(chosen, weights, strict=True)) else chosen


def weights_link(value: tuple[tuple[str, float], ...], options: Options) -> str:
    """Link form of the ``w`` selection: only the weights that differ from the framework's."""
    defaults = dict(options.weights)
    return ",".join(f"{c}:{v:g}" for c, v in value if v != defaults.get(c))


def _show_weights(value: tuple[tuple[str, float], ...], options: Options) -> str:
    return weights_link(value, options) or "—"


def _show(value: object) -> str:
    if isinstance(value, tuple):
        return ",".join(map(str, value)) or "—"
    return str(value)
