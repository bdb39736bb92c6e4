"""Peer groups: which units an index is computed within.

``select_units(units, spec)`` resolves a user's choice — a named group column (``yrd27``,
``yrd41`` or any other 0/1 column of ``units``), ``all``, a province name (Chinese with or
without its suffix, ``浙江省``/``浙江``, or English, ``Zhejiang``, case-insensitive) or a list
of adcodes (comma-separated text, also with ``，`` or ``、``, or a sequence) — to a sorted
list of adcodes. Anything unknown raises :class:`~indicators.validate.ValidationError` with
the valid options.

County tables (``data/county_units.csv``: columns ``city_adcode``, ``city_zh``, ``city_en``,
``type``, ``type_en``) add, in this order of resolution (``SPEC_HELP``):

* a city name (``苏州市``, ``苏州``, ``Suzhou (Jiangsu)``) or ``city:<adcode or name>``
  (``city:320500``): the units of that city; a name that is both a province and a city
  (``吉林`` short for 吉林省) is the province unless the city is named in full (``吉林市``);
* a type filter after ``/``: ``<scope>/<type>[+<type>...]`` keeps those types,
  ``<scope>/-<type>[+<type>...]`` drops them (``江苏省/县级市``, ``yrd27/-功能区``,
  ``苏州市/市辖区+功能区``); a type alone is ``all/<type>`` (``县级市``: every county-level
  city of China). Types are the values of ``type`` or ``type_en`` (case-insensitive).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

from indicators.cells import is_missing, normalise_adcode
from indicators.validate import Problem, ValidationError

__all__ = [
    "select_units",
    "group_columns",
    "province_options",
    "reconcile_units",
    "SPEC_HELP",
]

#: The peer-group syntax, for help texts (the command line's ``--units``).
SPEC_HELP = (
    "peer group: all | yrd27 | yrd41 | <group column> | <province> (江苏省, Jiangsu) | "
    "<adcode,adcode,...>; county level also: <city> (苏州市) or city:<adcode> (city:320500), "
    "and a type filter <scope>/<type>[+<type>] or <scope>/-<type> (江苏省/县级市, "
    "yrd27/-功能区; a type alone means all/<type>: 县级市)"
)

_BASE_COLUMNS = {
    "adcode",
    "name_zh",
    "name_en",
    "province_zh",
    "province_en",
    "city_adcode",
    "city_zh",
    "city_en",
    "type",
    "type_en",
}
# longest first, so that "维吾尔自治区" is stripped before "自治区"
_PROVINCE_SUFFIXES = (
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "特别行政区",
    "自治区",
    "省",
    "市",
)
_SPLIT = re.compile(r"[,，、;；\s]+")


def group_columns(units: pd.DataFrame) -> list[str]:
    """Names of the 0/1 group columns of ``units`` (e.g. ``yrd27``, ``yrd41``)."""
    out = []
    for column in units.columns:
        if column in _BASE_COLUMNS:
            continue
        values = units[column]
        if pd.api.types.is_numeric_dtype(values.dtype) and values.dropna().isin([0, 1]).all():
            out.append(str(column))
    return out


def _short(name: str) -> str:
    for suffix in _PROVINCE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def province_options(units: pd.DataFrame) -> list[str]:
    """Province names present in ``units`` (Chinese, then English), in first-seen order."""
    names: list[str] = []
    for column in ("province_zh", "province_en"):
        if column in units.columns:
            for value in units[column]:
                if not is_missing(value) and str(value).strip() and str(value) not in names:
                    names.append(str(value))
    return names


def _province_mask(units: pd.DataFrame, spec: str) -> pd.Series | None:
    key = spec.strip()
    mask = pd.Series(False, index=units.index)
    if "province_zh" in units.columns:
        zh = units["province_zh"].map(lambda v: "" if is_missing(v) else str(v).strip())
        mask |= (zh == key) | (zh.map(_short) == _short(key))
    if "province_en" in units.columns:
        en = units["province_en"].map(lambda v: "" if is_missing(v) else str(v).strip().lower())
        mask |= en == key.lower()
        mask |= en.str.replace(r"\s+province$", "", regex=True) == key.lower()
    return mask if mask.any() else None


def _text_column(units: pd.DataFrame, column: str, lower: bool = False) -> pd.Series:
    values = units[column].map(lambda v: "" if is_missing(v) else str(v).strip())
    return values.str.lower() if lower else values


def _exact_province(units: pd.DataFrame, key: str) -> pd.Series | None:
    mask = pd.Series(False, index=units.index)
    if "province_zh" in units.columns:
        mask |= _text_column(units, "province_zh") == key
    if "province_en" in units.columns:
        mask |= _text_column(units, "province_en", lower=True) == key.lower()
    return mask if mask.any() else None


def _city_mask(units: pd.DataFrame, key: str, short: bool = True) -> pd.Series | None:
    """Units of the city named ``key`` (``city_adcode``, ``city_zh`` with or without 市,
    ``city_en``), or None when the table has no cities or none matches."""
    if "city_zh" not in units.columns and "city_adcode" not in units.columns:
        return None
    mask = pd.Series(False, index=units.index)
    if "city_adcode" in units.columns:
        code, _ = normalise_adcode(key)
        if code:
            mask |= _text_column(units, "city_adcode") == code
    if "city_zh" in units.columns:
        zh = _text_column(units, "city_zh")
        mask |= zh == key
        if short and not mask.any():
            mask |= (zh.map(_short) == _short(key)) & (zh != "")
    if "city_en" in units.columns:
        mask |= _text_column(units, "city_en", lower=True) == key.lower()
    return mask if mask.any() else None


def _type_mask(units: pd.DataFrame, text: str) -> pd.Series:
    """Units whose ``type`` is one of ``text`` (``a+b``, or ``-a+b`` for all other types)."""
    source = "peer group"
    if "type" not in units.columns:
        raise ValidationError(
            [
                Problem(
                    source, None, None, f"type filter {text!r}: the units table has no type column"
                )
            ]
        )
    drop = text.startswith("-")
    wanted = [t.strip() for t in text.lstrip("-").split("+") if t.strip()]
    zh = _text_column(units, "type")
    en = _text_column(units, "type_en", lower=True) if "type_en" in units.columns else zh
    mask = pd.Series(False, index=units.index)
    unknown = []
    for item in wanted:
        hit = (zh == item) | (en == item.lower())
        if not hit.any():
            unknown.append(item)
        mask |= hit
    if unknown or not wanted:
        valid = ", ".join(dict.fromkeys(t for t in zh if t))
        raise ValidationError(
            [Problem(source, None, None, f"unknown unit type {', '.join(unknown) or text!r}; "
                     f"valid: {valid} (or their English names)")]
        )  # fmt: skip
    return ~mask if drop else mask


def _is_type(units: pd.DataFrame, text: str) -> bool:
    if "type" not in units.columns:
        return False
    items = [t.strip() for t in text.lstrip("-").split("+") if t.strip()]
    zh = set(_text_column(units, "type"))
    en = set(_text_column(units, "type_en", lower=True)) if "type_en" in units.columns else set()
    return bool(items) and all(i in zh or i.lower() in en for i in items)


def _options_text(units: pd.DataFrame) -> str:
    parts = ["all", *group_columns(units)]
    provinces = province_options(units)
    text = ", ".join(parts)
    if provinces:
        text += "; provinces: " + ", ".join(provinces)
    if "city_zh" in units.columns:
        text += "; a city (苏州市, city:320500)"
    if "type" in units.columns:
        types = ", ".join(dict.fromkeys(t for t in _text_column(units, "type") if t))
        text += f"; a type filter <scope>/<type> or <scope>/-<type> (types: {types})"
    return text + "; or a comma-separated list of adcodes"


def select_units(units: pd.DataFrame, spec: str | Sequence[str]) -> list[str]:
    """Resolve a peer-group choice to a sorted list of adcodes.

    Parameters
    ----------
    units : DataFrame
        The units table (``adcode`` and optionally names, provinces and 0/1 group columns).
    spec : str or sequence of str
        ``"all"``, a group column name, a province name (zh/en), or adcodes (comma-separated
        text or a sequence).

    Returns
    -------
    list of str
        Sorted adcodes.

    Raises
    ------
    ValidationError
        Unknown names or adcodes (the message lists the valid options), or an empty group.
    """
    codes = units["adcode"].astype("str").str.strip()
    known = set(codes)
    source = "peer group"
    if isinstance(spec, str):
        text = spec.strip()
        if not text:
            raise ValidationError(
                [Problem(source, None, None, f"no units chosen; valid: {_options_text(units)}")]
            )
        if "/" in text:
            scope, _, types = text.partition("/")
            base = set(select_units(units, scope.strip() or "all"))
            chosen = set(codes[_type_mask(units, types.strip())]) & base
            if not chosen:
                raise ValidationError(
                    [Problem(source, None, None, f"peer group {text!r} has no units")]
                )
            return sorted(chosen)
        if text.lower() == "all":
            return sorted(known)
        if text in units.columns and text in group_columns(units):
            chosen = codes[units[text].fillna(0).astype(int) == 1]
            if chosen.empty:
                raise ValidationError([Problem(source, None, None, f"group {text!r} has no units")])
            return sorted(set(chosen))
        if text.lower().startswith("city:"):
            mask = _city_mask(units, text[5:].strip())
            if mask is None:
                raise ValidationError(
                    [Problem(source, None, None, f"no city {text[5:].strip()!r} in the units "
                             "table (give a city adcode such as city:320500 or its name)")]
                )  # fmt: skip
            return sorted(set(codes[mask]))
        mask = _exact_province(units, text)
        if mask is None:
            mask = _city_mask(units, text, short=False)
        if mask is None:
            mask = _province_mask(units, text)
        if mask is None and not _SPLIT.search(text) and normalise_adcode(text)[0] not in known:
            mask = _city_mask(units, text)
        if mask is not None:
            return sorted(set(codes[mask]))
        if _is_type(units, text):
            return select_units(units, "all/" + text)
        items = [item for item in _SPLIT.split(text) if item]
    else:
        items = [str(item).strip() for item in spec]
    wanted, unknown = [], []
    for item in items:
        code, _ = normalise_adcode(item)
        if code in known:
            wanted.append(code)
        else:
            unknown.append(item)
    if unknown or not wanted:
        shown = ", ".join(repr(u) for u in unknown) or repr(spec)
        raise ValidationError(
            [
                Problem(
                    source,
                    None,
                    None,
                    f"unknown unit group or adcode {shown}; valid: {_options_text(units)}",
                )
            ]
        )
    return sorted(set(wanted))


def reconcile_units(
    units: pd.DataFrame, data: pd.DataFrame, source: str = "units"
) -> tuple[pd.DataFrame, list[Problem]]:
    """The units table aligned with the data's units, and what did not match.

    Every unit of the data gets a row (a unit the table does not list is named by its id);
    rows for units without data are left out. Returns ``(units, problems)``: an error when the
    table lists none of the data's units (nothing could be named or grouped: almost certainly
    the wrong file), and a note for each kind of mismatch otherwise, naming a few ids.
    """
    have = pd.unique(data["adcode"].astype("str"))
    listed = units["adcode"].astype("str")
    known = set(listed)
    missing = [a for a in have if a not in known]
    extra = sorted(known.difference(have))

    def few(ids: Sequence[str]) -> str:
        return ", ".join(repr(i) for i in ids[:5]) + (
            f" and {len(ids) - 5} more" if len(ids) > 5 else ""
        )

    if len(missing) == len(have):
        return units, [
            Problem(
                source,
                None,
                "adcode",
                f"the units file lists none of the data's {len(have)} units (the data have "
                f"{few(list(have))}; the units file {few(list(listed))}): is it the right file?",
            )
        ]
    problems = []
    if missing:
        problems.append(
            Problem(
                source,
                None,
                "adcode",
                f"{len(missing)} unit(s) of the data are not in the "
                f"units file and are named by their id: {few(missing)}",
                "info",
            )
        )
    if extra:
        problems.append(
            Problem(
                source,
                None,
                "adcode",
                f"{len(extra)} unit(s) of the units file have no "
                f"data and are left out: {few(extra)}",
                "info",
            )
        )
    aligned = units.loc[listed.isin(set(have))]
    if missing:
        added = pd.DataFrame({"adcode": missing, "name_zh": missing, "name_en": missing})
        aligned = pd.concat([aligned, added], ignore_index=True)
        for column in aligned.columns:
            if column in group_columns(units):
                aligned[column] = aligned[column].fillna(0).astype("int64")
    return aligned.reset_index(drop=True), problems
