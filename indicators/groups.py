"""Peer groups: which units an index is computed within.

``select_units(units, spec)`` resolves a user's choice — a named group column (``yrd27``,
``yrd41`` or any other 0/1 column of ``units``), ``all``, a province name (Chinese with or
without its suffix, ``浙江省``/``浙江``, or English, ``Zhejiang``, case-insensitive) or a list
of adcodes (comma-separated text, also with ``，`` or ``、``, or a sequence) — to a sorted
list of adcodes. Anything unknown raises :class:`~indicators.validate.ValidationError` with
the valid options.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

from indicators.cells import is_missing, normalise_adcode
from indicators.validate import Problem, ValidationError

__all__ = ["select_units", "group_columns", "province_options", "reconcile_units"]

_BASE_COLUMNS = {"adcode", "name_zh", "name_en", "province_zh", "province_en"}
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


def _options_text(units: pd.DataFrame) -> str:
    parts = ["all", *group_columns(units)]
    provinces = province_options(units)
    text = ", ".join(parts)
    if provinces:
        text += "; provinces: " + ", ".join(provinces)
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
        if text.lower() == "all":
            return sorted(known)
        if text in units.columns and text in group_columns(units):
            chosen = codes[units[text].fillna(0).astype(int) == 1]
            if chosen.empty:
                raise ValidationError([Problem(source, None, None, f"group {text!r} has no units")])
            return sorted(set(chosen))
        mask = _province_mask(units, text)
        if mask is not None:
            return sorted(set(codes[mask]))
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
