"""The log of a run: one plain dict per action, assembled from what each step returned.

Made when :attr:`Result.log <indicators.result.Result.log>` is first read. Entries have ``step``
and ``action`` and their details (``code``, ``adcode``, ``year``, ``value``, ``bounds``, ...);
warnings carry ``severity = "warning"``. The order is the order of the steps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from indicators.steps import plain

if TYPE_CHECKING:  # pragma: no cover
    from indicators.build import Build
    from indicators.pipeline import Computed

__all__ = ["build_log"]


def build_log(build: Build, c: Computed) -> list[dict]:
    """Every action of the run of ``build`` that gave ``c``."""
    config, panel, tree = build.config, build.panel, build.tree
    inds = list(tree.indicators)
    adcodes, years = panel.adcodes, panel.years
    log: list[dict] = []
    if build.absent:
        log.append(
            {
                "step": "validate",
                "action": "units_not_in_data",
                "severity": "warning",
                "adcodes": list(build.absent),
            }
        )
    log.append(
        {
            "step": "validate",
            "action": "peer_group",
            "units": len(build.members),
            "rows": panel.n,
            "years": list(build.years),
        }
    )

    # screen
    sc = c.screening
    log.append(
        {
            "step": "screen",
            "action": "rule",
            "screen": config.screen,
            "min_share": config.screen_min_share,
            "dimensions": list(sc.dimensions),
            "failing": int(sc.fails.sum()),
        }
    )
    for i in np.flatnonzero(sc.fails).tolist():
        missing = [d for d, m in zip(sc.dimensions, sc.missing_dimensions[i], strict=True) if m]
        log.append(
            {
                "step": "screen",
                "action": sc.status[i] if config.screen != "none" else "would_fail",
                "severity": "warning",
                "adcode": str(adcodes[i]),
                "year": int(years[i]),
                "present": int(sc.present[i]),
                "total": sc.total,
                "missing_dimensions": missing,
            }
        )

    # impute
    log.append({"step": "impute", "action": "method", "method": config.impute})
    miss = np.isnan(c.X0) & sc.kept[:, None]  # an excluded unit-year is not imputed
    if miss.any():
        filled = miss & ~np.isnan(c.X1)
        from_year = c.impute_details.get("from_year")
        for i, j in zip(*(a.tolist() for a in np.nonzero(filled)), strict=True):
            entry = {
                "step": "impute",
                "action": "imputed",
                "method": config.impute,
                "code": inds[j],
                "adcode": str(adcodes[i]),
                "year": int(years[i]),
                "value": float(c.X1[i, j]),
            }
            if from_year is not None:
                entry["from_year"] = int(from_year[i, j])
            log.append(entry)
        if config.impute != "none":
            for i, j in zip(*(a.tolist() for a in np.nonzero(miss & np.isnan(c.X1))), strict=True):
                log.append(
                    {
                        "step": "impute",
                        "action": "not_imputed",
                        "method": config.impute,
                        "severity": "warning",
                        "code": inds[j],
                        "adcode": str(adcodes[i]),
                        "year": int(years[i]),
                    }
                )
        else:
            log.append({"step": "impute", "action": "missing_kept", "cells": int(miss.sum())})

    # treat
    log.append({"step": "treat", "action": "method", "method": config.treat})
    for e in c.treat_events:
        entry = {"step": "treat", "action": e["action"], "code": inds[e["col"]]}
        if "row" in e:
            entry["adcode"] = str(adcodes[e["row"]])
            entry["year"] = int(years[e["row"]])
        entry.update({k: plain(v) for k, v in e.items() if k not in ("action", "col", "row")})
        if e["action"] == "skipped":
            entry["severity"] = "warning"
        log.append(entry)

    # normalise
    log.append(
        {
            "step": "normalise",
            "action": "method",
            "method": config.normalise,
            "scope": config.normalise_scope,
        }
    )
    for item in c.normalise_info:
        entry = {
            "step": "normalise",
            "action": "bounds_learned",
            "code": inds[item["col"]],
            "method": config.normalise,
            "scope": "pooled" if item["scope"] is None else int(item["scope"]),
        }
        entry.update({k: plain(v) for k, v in item.items() if k not in ("col", "scope")})
        log.append(entry)
        if item.get("constant"):
            log.append(
                {
                    **entry,
                    "action": "constant_indicator",
                    "severity": "warning",
                    "message": "zero range: every unit gets the middle of the scale",
                }
            )
        if item.get("invalid"):
            log.append({**entry, "action": "invalid_for_method", "severity": "warning"})
        if item.get("observed_bounds") and config.normalise == "goalposts":
            log.append(
                {
                    **entry,
                    "action": "goalposts_missing",
                    "severity": "warning",
                    "message": "no goalposts given: observed min and max used",
                }
            )

    # weights and aggregation, level by level
    agg = c.aggregated
    for st, summary in zip(tree.steps, agg.summaries, strict=True):
        w = agg.weights[st.level]
        for level, parent, method, pos, wf, winfo, hit in agg.weight_info:
            if level != st.level:
                continue
            kids = [tree.codes[k] for k in st.child_cols[pos]]
            values = w[pos] if wf is None else wf
            entry = {
                "step": "weights",
                "action": "weights_computed",
                "code": parent,
                "level": st.level - 1,
                "method": method,
                "weights": {k: float(v) for k, v in zip(kids, values, strict=True)},
            }
            entry.update({k: plain(v) for k, v in winfo.items()})
            if hit:
                entry["overridden"] = list(hit)
            log.append(entry)
            if "fallback" in winfo:
                log.append(
                    {
                        "step": "weights",
                        "action": "fallback_to_framework",
                        "severity": "warning",
                        "code": parent,
                        "method": method,
                        "reason": winfo["fallback"],
                    }
                )
            if method == "ahp" and winfo.get("cr", 0.0) > 0.1:
                log.append(
                    {
                        "step": "weights",
                        "action": "ahp_inconsistent",
                        "severity": "warning",
                        "code": parent,
                        "cr": float(winfo["cr"]),
                        "message": "consistency ratio above 0.1: revise the judgements",
                    }
                )
        log.append({"step": "aggregate", "action": "aggregated", **summary})

    root = c.V[:, tree.root_col]
    log.append(
        {
            "step": "rank",
            "action": "ranked",
            "code": tree.root,
            "ranked": int(np.sum(~np.isnan(root))),
            "unranked": int(np.sum(np.isnan(root))),
        }
    )
    return log
