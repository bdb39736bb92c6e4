"""Display names of methods (interface text); unit names come from ``ui.views.names_map``."""

from __future__ import annotations

# registry name -> (Chinese, English); unknown names are shown as they are.
METHOD_LABELS: dict[str, tuple[str, str]] = {
    "minmax": ("最小-最大 (0–100)", "Min–max (0–100)"),
    "zscore": ("Z 分数", "z-score"),
    "rank": ("排序", "Rank"),
    "percentile": ("百分位", "Percentile rank"),
    "goalposts": ("目标值 (goalposts)", "Goalposts"),
    "distance_to_frontier": ("距前沿距离", "Distance to frontier"),
    "framework": ("框架（专家）权重", "Framework (expert)"),
    "equal": ("等权", "Equal"),
    "entropy": ("熵权法", "Entropy"),
    "critic": ("CRITIC 法", "CRITIC"),
    "pca": ("主成分 (PCA)", "PCA-based"),
    "ahp": ("层次分析法 (AHP)", "AHP"),
    "arithmetic": ("加权算术平均", "Weighted arithmetic mean"),
    "geometric": ("加权几何平均", "Weighted geometric mean"),
    "harmonic": ("加权调和平均", "Weighted harmonic mean"),
    "none": ("不处理", "None"),
    "coinr": ("COINr 规则（缩尾/对数）", "COINr rule (winsorise / log)"),
    "mean": ("均值", "Mean"),
    "median": ("中位数", "Median"),
    "group_mean": ("省内均值", "Group mean (province)"),
    "group_median": ("省内中位数", "Group median (province)"),
    "latest": ("最近年份", "Latest available year"),
}


def method_label(name: str, lang: str) -> str:
    """Human name of a registered method (unknown names are shown as they are)."""
    zh, en = METHOD_LABELS.get(name, (name, name))
    return en if lang == "en" else zh
