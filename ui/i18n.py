"""Interface text in Chinese (default) and English.

Indicator and dimension names never appear here: they come from the framework file
(``Framework.name(code, lang)``). This table holds only the words of the interface itself.
"""

from __future__ import annotations

import pandas as pd

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

# key -> (Chinese, English)
STRINGS: dict[str, tuple[str, str]] = {
    "app_title": ("城市人才活力指数", "City Talent Vitality Index"),
    "app_caption": (
        "基于第六、七次全国人口普查的城市人才活力综合指数",
        "A composite index of city talent vitality built from China's 2010 and 2020 censuses",
    ),
    # pages
    "page_rankings": ("排名", "Rankings"),
    "page_city": ("城市画像", "City profile"),
    "page_compare": ("城市对比", "Compare"),
    "page_lab": ("权重与方法实验室", "Weights & method lab"),
    "page_methodology": ("方法说明", "Methodology"),
    "page_data": ("数据", "Data"),
    # sidebar
    "language": ("语言", "Language"),
    "peer_group": ("比较范围", "Peer group"),
    "group_yrd27": ("长三角中心区 27 城", "YRD central 27 cities"),
    "group_yrd41": ("长三角 41 城", "YRD 41 cities"),
    "group_all": ("全国所有城市", "All cities"),
    "group_province": ("按省份", "One province"),
    "group_custom": ("自定义", "Custom selection"),
    "province": ("省份", "Province"),
    "custom_members": ("选择城市", "Choose cities"),
    "year": ("普查年份", "Census year"),
    "methods": ("方法", "Methods"),
    "normalise": ("标准化", "Normalisation"),
    "weights": ("权重", "Weights"),
    "aggregate": ("汇总", "Aggregation"),
    "treat": ("异常值处理", "Outlier treatment"),
    "impute": ("缺失值填补", "Imputation"),
    "data_source": ("数据来源", "Data source"),
    "bundled_data": ("内置普查数据", "Bundled census data"),
    "uploaded_data": ("已上传数据（仅本会话）", "Uploaded data (this session only)"),
    "share_link": (
        "当前视图可通过浏览器地址栏链接分享。",
        "Share this view by copying the browser's address.",
    ),
    # notices
    "bad_param": (
        "链接参数 {key}={value} 无效，已使用默认值 {default}。",
        "Link parameter {key}={value} is not valid; using the default {default}.",
    ),
    "selection_unavailable": (
        "新数据中没有所选的 {key}={value}，已改用 {default}。",
        "The new data have no {key}={value}; showing {default} instead.",
    ),
    "unexpected_error": (
        "抱歉，页面出错了。错误编号：{id}。请把这个编号告诉管理员；其他页面仍可使用。",
        "Sorry, something went wrong on this page. Error id: {id}. Please pass this id on to the "
        "administrator; the other pages still work.",
    ),
    "build_refused_title": ("无法计算", "Cannot compute"),
    "build_refused": (
        "所选方法组合无法计算，原因如下。请在侧边栏“方法”中更换选择。",
        "The chosen combination of methods cannot be computed, for the reasons below. Change the "
        "choice under “Methods” in the sidebar.",
    ),
    "build_refused_data": (
        "当前数据和比较范围无法计算，原因如下。请选择其他比较范围，或在“数据”页改用内置数据。",
        "The current data and peer group cannot be computed, for the reasons below. Choose another "
        "peer group, or go back to the bundled data on the Data page.",
    ),
    "refused_aggregate": (
        "几何平均和调和平均要求标准化后的值非负，而 Z 分数约有一半为负值。请改用最小-最大、百分位、排序、"
        "目标值或距前沿距离标准化，或改用加权算术平均。",
        "Geometric and harmonic means need non-negative normalised values, but about half of all "
        "z-scores are negative. Use min–max, percentile rank, rank, goalposts or distance to "
        "frontier normalisation, or the weighted arithmetic mean.",
    ),
    "refused_impute": (
        "按省份填补需要每个单位所属的省份，当前数据没有省份信息。请上传带 province_zh 列的单位表，或选择其他填补方法。",
        "Group (province) imputation needs each unit's province, which the current data do not "
        "have. Upload a units file with a province_zh column, or choose another imputation.",
    ),
    "refused_weight_overrides": (
        "同一上级下的所有权重都为 0，无法汇总。请至少给一项大于 0 的权重。",
        "Every weight under one parent is 0, so nothing can be aggregated. Give at least one a "
        "weight above 0.",
    ),
    "no_intervals": ("未给出排名区间：{reason}", "No rank intervals: {reason}"),
    "fix_use_minmax": ("改用最小-最大标准化", "Use min–max normalisation"),
    "fix_use_arithmetic": ("改用加权算术平均", "Use the weighted arithmetic mean"),
    "unknown_param": ("已忽略未知的链接参数：{keys}。", "Ignored unknown link parameters: {keys}."),
    "missing": ("缺失", "missing"),
    # common words
    "rank": ("排名", "Rank"),
    "score": ("得分", "Score"),
    "city": ("城市", "City"),
    "index": ("指数", "Index"),
    "value": ("数值", "Value"),
    "median": ("中位数", "Median"),
    "group_median": ("组内中位数", "Group median"),
    "rank_interval": ("排名区间 (5%–95%)", "Rank interval (5%–95%)"),
    "download": ("下载", "Download"),
    "cities_unit": ("个城市", "cities"),
    "no_scores_year": (
        "所选年份没有可计算的指数（数据缺失）。",
        "No index can be computed for this year (missing data).",
    ),
    "median_rank": ("中位排名", "Median rank"),
    "p05": ("排名 5%", "Rank p5"),
    "p95": ("排名 95%", "Rank p95"),
    "bar_chart": ("指数得分", "Index scores"),
    "map": ("地图", "Map"),
    "no_geo": ("当前数据没有边界文件，无法绘制地图。", "No boundaries for this data, so no map."),
    "distribution": ("组内分布", "Distribution in the group"),
    "not_in_group": (
        "{value} 不在当前比较范围内，已改选其他城市。",
        "{value} is not in the current peer group; another city is shown.",
    ),
    "some_not_in_group": (
        "部分城市不在当前比较范围内，已移除。",
        "Some cities are not in the current peer group and were removed.",
    ),
    "all_indicators": ("全部指标", "All indicators"),
    "all_zero_weights": (
        "所有维度权重都为 0，无法计算指数。",
        "All dimension weights are 0; no index can be computed.",
    ),
    "already_first": ("该城市已排名第一。", "This city already ranks first."),
    "audit": ("统计检验", "Statistical audit"),
    "audit_note": (
        "基于当前比较范围与年份的标准化指标值。α ≥ 0.7 通常视为维度内部一致，0.5–0.7 为存疑，低于 0.5 为弱"
        "（Nunnally 1978；OECD/JRC 2008）；主成分方差占比显示指标间的共同信息量。",
        "On normalised indicator values of the current group and year. α ≥ 0.7 is the usual threshold for a "
        "consistent dimension, 0.5–0.7 is questionable, below 0.5 weak (Nunnally 1978; OECD/JRC 2008); the PCA "
        "variance shares show how much the indicators have in common.",
    ),
    "back_to_bundled": ("恢复使用内置数据", "Back to the bundled data"),
    "bad_weights_link": (
        "链接中的权重无效，已使用默认权重。",
        "The weights in the link are not valid; defaults are used.",
    ),
    "breakdown": ("得分构成", "Score breakdown"),
    "breakdown_not_additive": (
        "几何/调和平均不能分解为可加的贡献；请改用加权算术平均查看得分构成。",
        "Geometric and harmonic means have no additive breakdown; choose the arithmetic mean to see contributions.",
    ),
    "breakdown_note": (
        "每段为一个指标贡献的指数点 = 指标得分 × 其到总指数路径上的（重新归一化的）权重之积；各段相加等于指数得分。",
        "Each segment is the index points an indicator contributes = its score × the product of the (renormalised) "
        "weights on its path to the index; the segments add up to the index score.",
    ),
    "change": ("变化", "Change"),
    "change_note": (
        "两个年份采用合并标准化（两年数据共用同一上下界），得分可直接比较。{year} 年缺失的指标：{absent}；这些维度在该年由其余指标计算。",
        "Both years are normalised on pooled bounds, so scores are comparable. Indicators absent in {year}: "
        "{absent}; their dimensions use the remaining indicators in that year.",
    ),
    "change_title": ("{a} → {b} 年变化", "Change {a} → {b}"),
    "choice": ("不确定来源", "Uncertain choice"),
    "choice_weights": ("权重扰动", "Weight noise"),
    "choice_normalise": ("标准化方法", "Normalisation"),
    "choice_aggregate": ("汇总方法", "Aggregation"),
    "choice_treat": ("异常值处理", "Outlier treatment"),
    "choice_drop": ("剔除单个指标", "Dropping one indicator"),
    "choice_interactions": ("交互作用与其他", "Interactions and rest"),
    "choose_cities": ("选择 2–6 个城市", "Choose 2–6 cities"),
    "choose_two": ("请至少选择两个城市。", "Choose at least two cities."),
    "cities_moved": ("排名变化的城市", "Cities whose rank changed"),
    "code": ("代码", "Code"),
    "compare_note": (
        "Δ 为与 {city} 的差值（原始单位）。",
        "Δ is the difference to {city} (in the indicator's own unit).",
    ),
    "component": ("组成部分", "Component"),
    "component_pc": ("主成分", "Component"),
    "compute_what_if": (
        "计算（对每个指标重新运行指数，需数秒）",
        "Compute (re-runs the index per indicator; takes a few seconds)",
    ),
    "computed_note": (
        "指标列为标准化值（0–100），汇总列为得分，“排名”为指数排名；把鼠标移到列名上可看到其代码与单位。",
        "Indicator columns are normalised values (0–100), aggregate columns are scores, Rank is the index rank; "
        "hover over a column name for its code and unit.",
    ),
    "computed_table": ("计算结果", "Computed scores"),
    "computing": ("计算中…", "Computing…"),
    "correlations_title": ("指标相关系数（Pearson）", "Indicator correlations (Pearson)"),
    "coverage": ("数据覆盖", "Data coverage"),
    "coverage_note": (
        "各年份为缺失值个数 / 城市数（当前比较范围）。指标来源与计算方法见 `data/SOURCES.md`。",
        "Per year: missing values / cities in the current group. Sources and formulas are in `data/SOURCES.md`.",
    ),
    "cumulative": ("累计", "Cumulative"),
    "current": ("当前值", "Current"),
    "default_build": ("默认方案", "Default build"),
    "definition": ("定义", "Definition"),
    "dimensions": ("五个维度", "The dimensions"),
    "dimensions_vs_median": ("维度得分与组内中位数", "Dimensions against the group median"),
    "direction": ("方向", "Direction"),
    "distance": ("距离", "Distance"),
    "download_note": (
        "下载的是本页所用的方案（比较范围、方法与权重）下 {year} 年的结果：城市名称（中英文）、省份、"
        "排名与排名区间、数据覆盖、各级得分、各指标原始值（单位见 Excel 的 `columns` 工作表）与标准化值；"
        "Excel 另含列说明、权重、指标体系与方法工作表。方案文件可在此处或用命令行"
        "（`python -m indicators compute --recipe 文件 --columns full`）原样重现这些结果。",
        "The download holds {year} under this view's build (peer group, methods and weights): city "
        "names (zh and en), province, rank and rank interval, data coverage, every score, each "
        "indicator's raw value (units in the Excel `columns` sheet) and normalised value; the Excel "
        "file adds sheets with a column guide, the weights, the framework and the methodology. The "
        "recipe file reproduces it exactly, here or on the command line (`python -m indicators "
        "compute --recipe FILE --columns full`).",
    ),
    "draws": ("蒙特卡洛抽样次数", "Monte Carlo draws"),
    "effective_weight": ("有效权重", "Effective weight"),
    "effective_weights": ("有效（端到端）权重", "Effective (end-to-end) weights"),
    "feasible": ("可行", "Feasible"),
    "framework_tree": ("指标体系", "The indicator framework"),
    "indicator": ("指标", "Indicator"),
    "indicator_table": ("指标对比", "Indicators side by side"),
    "lab_intro": (
        "拖动滑块调整五个维度的相对权重，左侧边栏可更换方法；图中比较你的方案与默认方案的排名。",
        "Move the sliders to re-weight the five dimensions and change methods in the sidebar; the chart compares "
        "your build's ranks with the default build.",
    ),
    "level": ("层级", "Level"),
    "method_text": ("方法与公式", "Method and formulas"),
    "n_indicators": ("指标数", "Indicators"),
    "n_units": ("城市数", "Cities"),
    "nearest_peers": ("最相似的城市", "Nearest peers"),
    "new_rank": ("新排名", "New rank"),
    "nominal_rank": ("当前排名", "Nominal rank"),
    "parent": ("上级", "Parent"),
    "places_up": ("提升名次", "Places to climb"),
    "points": ("指数点", "Index points"),
    "present": ("有值", "Present"),
    "raw_note": (
        "普查原始指标值（单位见方法说明）。",
        "Census indicator values in their own units (see Methodology).",
    ),
    "raw_table": ("原始指标", "Raw indicators"),
    "required": ("所需值", "Required"),
    "reset_weights": ("恢复默认权重", "Reset weights"),
    "scores_by_indicator": ("各指标标准化得分", "Normalised indicator scores"),
    "seed": ("随机种子", "Random seed"),
    "share": ("占比", "Share"),
    "shift_note": ("绿色：名次上升；红色：名次下降。", "Green: climbs; red: falls."),
    "strengths": ("优势指标", "Strengths"),
    "weaknesses": ("短板指标", "Weaknesses"),
    "strengths_weaknesses": ("优势与短板", "Strengths and weaknesses"),
    "sunburst_note": (
        "扇区大小为各指标的有效权重。点击一个扇区可展开到其下的指标，点击中心返回。",
        "Sector size is each component's effective weight. Click a sector to open it down to its "
        "indicators; click the centre to go back.",
    ),
    "uncertainty": ("不确定性分析", "Uncertainty analysis"),
    "uncertainty_note": (
        "每次抽样同时扰动权重（±25%）、标准化方法、汇总方法、异常值处理与剔除单个指标；区间为 5%–95% 分位排名。",
        "Each draw varies weights (±25%), normalisation, aggregation, outlier treatment and drops one indicator; "
        "intervals are the 5th–95th percentile ranks.",
    ),
    "unit": ("单位", "Unit"),
    "upload_active": (
        "正在使用你上传的数据（仅本会话可见）。",
        "Using your uploaded data (visible to this session only).",
    ),
    "upload_data": ("数据文件（CSV / Excel / Parquet）", "Data file (CSV / Excel / Parquet)"),
    "upload_framework": ("指标体系文件（CSV / Excel）", "Framework file (CSV / Excel)"),
    "upload_help": (
        "数据为宽表：`adcode`、`year`（可选）及每个指标一列；指标体系文件的列为 `code`、`parent`、`level`、"
        "`name_zh`、`name_en`、`direction`、`weight`…（与 `data/framework.csv` 相同）。城市名单文件可选。",
        "Data is a wide table: `adcode`, `year` (optional) and one column per indicator; the framework has the "
        "columns `code`, `parent`, `level`, `name_zh`, `name_en`, `direction`, `weight`… (as `data/framework.csv`). "
        "A units file is optional.",
    ),
    "upload_problems": (
        "发现 {n} 个问题，数据未被使用：",
        "{n} problems found; the data was not used:",
    ),
    "upload_title": ("上传自己的数据", "Bring your own data"),
    "checking_upload": (
        "正在读取并校验文件……已用 {seconds} 秒",
        "Reading and checking the files… {seconds} s",
    ),
    "upload_units": ("城市名单（可选）", "Units file (optional)"),
    "use_upload": ("校验并使用", "Validate and use"),
    "variance_share": (
        "各不确定来源对排名方差的贡献",
        "Share of rank variance explained by each choice",
    ),
    "variance_share_pc": ("方差占比", "Variance share"),
    "weight_in_parent": ("组内权重", "Weight within parent"),
    "what_if": ("需要改进多少？", "What would it take?"),
    "no_index_city": (
        "该城市在所选年份没有指数得分（数据缺失），因此无法计算排名提升。",
        "This city has no index score in the chosen year (its data are missing), so there is no "
        "rank to improve.",
    ),
    "what_if_note": (
        "对每个指标单独计算：使该城市排名提升所需的最小改进（其他指标不变，重新计算整个指数）。",
        "For each indicator on its own: the smallest improvement that lifts the city by the chosen number of "
        "places, all else equal, recomputing the whole index.",
    ),
    "your_build": ("你的方案", "Your build"),
    "cronbach": (
        "Cronbach's α（各维度内部一致性）",
        "Cronbach's alpha (consistency within each dimension)",
    ),
    "pca": ("主成分方差占比（全部指标）", "PCA explained variance (all indicators)"),
    "missing_reason": ("缺失原因", "Why missing"),
    "rank_range": ("排名区间", "Rank range"),
    "source_note": (
        "数据：第六、七次全国人口普查分县资料（Lei Dong 等整理，MIT 许可）。",
        "Data: 2010 and 2020 national censuses by county (compiled by Lei Dong et al., MIT licence).",
    ),
    # --- trust-lang
    "adcode_col": ("行政区划代码", "Adcode"),
    "code_help": ("代码：{code}", "Code: {code}"),
    "code_unit_help": ("代码：{code}；单位：{unit}", "Code: {code}; unit: {unit}"),
    "values_tab": ("数值", "Values"),
    "delta_tab": ("与{city}的差值", "Difference to {city}"),
    "list_sep": ("；", "; "),
    "missing_dash_note": (
        "“—”表示缺失值，原因：",
        "“—” marks a missing value. Why:",
    ),
    "missing_year_note": (
        "“—”表示缺失值。{year} 年缺失的原因：",
        "“—” marks a missing value. Why values are missing in {year}:",
    ),
    "no_reason_recorded": ("数据中没有该值（未记录原因）", "not in the data (no reason recorded)"),
    "all_shown": ("全部", "all"),
    "too_many_choices": (
        "最多可选 {n} 个城市，已保留前 {n} 个。请先移除一个城市再添加。",
        "At most {n} cities; the first {n} are kept. Remove one before adding another.",
    ),
    "choose_placeholder": ("请选择", "Choose"),
    "problem_file": ("文件", "File"),
    "problem_row": ("行", "Row"),
    "problem_column": ("列", "Column"),
    "problem_text": ("问题", "Problem"),
    "problems_untranslated": (
        "其中 {n} 条说明暂无中文译文，显示校验程序的英文原文（引号内为文件中的原样内容）。",
        "{n} of the explanations are shown as the checker wrote them.",
    ),
    "map_partial": (
        "{n} 个单位没有内置边界，未在地图上绘出。",
        "{n} units have no bundled boundary and are not drawn on the map.",
    ),
    "radial_score": ("半径：得分", "Radius: score"),
    "alpha_reading": ("解读", "Reading"),
    "alpha_weak": ("弱（< 0.5）", "weak (< 0.5)"),
    "alpha_questionable": ("存疑（0.5–0.7）", "questionable (0.5–0.7)"),
    "alpha_consistent": ("一致（≥ 0.7）", "consistent (≥ 0.7)"),
    "alpha_none": ("无法计算（少于 2 个指标）", "not defined (fewer than 2 indicators)"),
    "alpha_note_weak": (
        "**{name}**的 Cronbach's α 仅为 {alpha}（低于 0.5，弱）：它的 {k} 个指标并不同向变化，"
        "维度得分混合了彼此无关的几个方面。一个城市在该维度得分相近，可能出于完全不同的原因；"
        "请逐个查看该维度的指标，不要只看维度得分。",
        "**{name}** has a Cronbach's alpha of only {alpha} (below 0.5, weak): its {k} indicators do "
        "not move together, so the dimension score mixes unrelated aspects. Two cities with similar "
        "scores on it may be alike for quite different reasons; read its indicators one by one "
        "rather than the dimension score alone.",
    ),
    "alpha_note_questionable": (
        "**{name}**的 Cronbach's α 为 {alpha}（0.5–0.7，存疑）：它的 {k} 个指标只是松散地同向变化；"
        "解读该维度得分时请同时参考其各项指标。",
        "**{name}** has a Cronbach's alpha of {alpha} (0.5–0.7, questionable): its {k} indicators move "
        "together only loosely; read the dimension score together with its indicators.",
    ),
    # --- trust-rankings
    "group_caption": ("{group} · {n} 个城市", "{group} · {n} cities"),
    "group_too_small_shown": (
        "所选比较范围“{group}”只有 {n} 个可排名的城市（至少需要 {least} 个），现显示“{shown}”。",
        "The chosen peer group “{group}” has too few rankable cities ({n}; at least {least} are "
        "needed); showing “{shown}” instead.",
    ),
    "group_cannot_rank": (
        "“{group}”中只有 {n} 个单位的数据足以参与排名（至少需要 {least} 个）：本页不给出排名。",
        "Only {n} units of “{group}” have enough data to be ranked (at least {least} are "
        "needed): this page shows no ranking.",
    ),
    "group_too_small_custom": (
        "在侧边栏“选择城市”中选择至少 2 个城市即可使用自定义范围。",
        "Choose at least 2 cities under “Choose cities” in the sidebar to use a custom group.",
    ),
    "province_too_small": (
        "{value} 只有 {n} 个可排名的城市，无法单独组成比较范围（至少需要 {least} 个）；现显示 {shown}。",
        "{value} has too few rankable cities to form a peer group on its own ({n}; at least "
        "{least} are needed); showing {shown} instead.",
    ),
    "members_unknown": (
        "链接中的城市代码 {codes} 不在数据中，已忽略。",
        "The city codes {codes} in the link are not in the data and were ignored.",
    ),
    "coverage_column": ("数据覆盖", "Coverage"),
    "coverage_help": (
        "有数值的指标数 / 指标总数（该年份）",
        "Indicators with a value / all indicators (that year)",
    ),
    "excluded_notice": (
        "{n} 个城市因数据不足未参与排名：{items}",
        "Not ranked for lack of data ({n}): {items}",
    ),
    "excluded_item": (
        "{name}（{coverage} 项指标，缺少{missing}）",
        "{name} ({coverage} indicators; no data on {missing})",
    ),
    "excluded_item_share": ("{name}（{coverage} 项指标）", "{name} ({coverage} indicators)"),
    "excluded_rule": (
        "参与排名要求至少 {share}% 的指标有数值，且每个维度至少有一项指标（见“方法说明”）。",
        "A city is ranked when at least {share}% of the indicators have a value and every "
        "dimension has at least one (see Methodology).",
    ),
    "flagged_note": (
        "数据覆盖后的 ⚠：该城市数据不足（未达到筛选规则），按设置仍参与排名，请谨慎解读。",
        "⚠ after the coverage: this city has too little data (it fails the screening rule) "
        "but is ranked as configured; read its rank with care.",
    ),
    "wide_note": (
        "排名区间后的 ⚠：区间异常宽——该城市的名次对方法选择特别敏感（区间宽度是组内的离群值，且跨越至少四分之一的名次）。",
        "⚠ after a rank range: unusually wide — this city's rank depends strongly on the "
        "method choices (its interval is an outlier among the group's and spans at least a "
        "quarter of the ranks).",
    ),
    "ranking_click_note": (
        "点击城市名称（或该行任一单元格）、条形图的条或地图上的城市，即可打开该城市画像。排名区间来自蒙特卡洛不确定性分析（权重扰动、标准化、汇总方法、异常值处理、剔除单个指标）。",
        "Click a city's name (or any cell of its row), a bar or a city on the map to open that "
        "city's profile. Rank ranges come from a Monte Carlo uncertainty analysis (weight "
        "noise, normalisation, aggregation, outlier treatment, dropping one indicator).",
    ),
    "map_scale_note": (
        "同一色标（{low}–{high}）适用于 {years} 年：得分按各年份合并标准化，颜色可跨年比较。",
        "One colour scale ({low}–{high}) for {years}: scores are normalised over the years "
        "pooled, so colours compare across years.",
    ),
    # --- reports
    "download_brief": ("下载城市简报（PDF）", "Download the city brief (PDF)"),
    "download_report": ("下载报告（PDF）", "Download the report (PDF)"),
    "pdf_unavailable": ("无法生成 PDF：{reason}", "No PDF can be made: {reason}"),
    # --- trust-city
    "coverage_value": ("{present}/{total} 项指标", "{present}/{total} indicators"),
    "coverage_line": (
        "数据覆盖：**{coverage}**（{year} 年有数据的指标 / 框架中的全部指标）",
        "Data coverage: **{coverage}** (indicators with a value in {year} / all indicators of "
        "the framework)",
    ),
    "not_ranked": ("未参与排名", "Not ranked"),
    "screen_excluded": (
        "**{city} 未参与 {year} 年排名**：数据只覆盖 {coverage}{dims}。"
        "参与排名需要至少 {share} 的指标且每个维度至少有一项指标，"
        "因此这里不给出指数得分和排名，下表列出现有的数据及缺失原因。",
        "**{city} is not ranked in {year}**: its data cover only {coverage}{dims}. "
        "A city is ranked when it has at least {share} of the indicators and at least one in "
        "every dimension, so no index score or rank is given here; the table below lists the "
        "data it has and why the rest is missing.",
    ),
    "screen_flagged": (
        "**{city} 的 {year} 年排名仅供参考**：数据只覆盖 {coverage}{dims}，"
        "低于排名所需的覆盖要求（至少 {share} 的指标且每个维度至少一项），"
        "其得分建立在较少的数据上。",
        "**{city}'s {year} rank is shown with a warning**: its data cover only {coverage}{dims}, "
        "below what ranking needs (at least {share} of the indicators and at least one in "
        "every dimension), so its score rests on less data than the others'.",
    ),
    "screen_dims": ("，缺少整个维度：{dims}", "; whole dimensions missing: {dims}"),
    "wide_interval": ("区间异常宽", "unusually wide"),
    "wide_interval_note": (
        "⚠ 该城市的排名区间异常宽：在不确定性分析中（权重和方法选择随机变动），"
        "它的排名变化比组内大多数城市都大，单一名次应谨慎解读。",
        "⚠ This city's rank interval is unusually wide: when the weights and method choices are "
        "varied at random (uncertainty analysis), its rank moves far more than most cities' — "
        "read the single rank with care.",
    ),
    "profile_not_ranked_title": ("现有数据", "The data it has"),
    "rank_up": ("↑ 上升 {n} 位", "↑ up {n}"),
    "rank_down": ("↓ 下降 {n} 位", "↓ down {n}"),
    "rank_unchanged": ("持平", "unchanged"),
    "change_sign_note": (
        "得分变化带正负号（+ 提高，− 下降）；排名变化以名次升降表示（名次数字变小即上升）。",
        "Score changes carry their sign (+ up, − down); the rank's change is a move up or down "
        "the table (a smaller rank number is a move up).",
    ),
    "pp": ("个百分点", "pp"),
    "tc_help_value": ("该城市的原始指标值（含单位）", "The city's raw value, with its unit"),
    "tc_help_score": (
        "标准化得分（与雷达图同一标尺，越高越好）",
        "Normalised score (the radar's scale; higher is better)",
    ),
    "tc_help_rank": (
        "该指标在组内的名次 / 有数据的城市数（1 = 最好，已考虑指标方向）",
        "The indicator's rank in the group / cities with a value (1 = best, direction applied)",
    ),
    "tc_help_median": ("组内各城市该指标的中位数", "Median of the group's cities"),
    "peer_gap": ("平均每项差距（分）", "Typical gap per indicator (points)"),
    "peers_note": (
        "相似度按各项指标的标准化得分（与雷达图同一标尺）计算：两城市在共同有数据的指标上"
        "得分差的均方根，即平均每项指标相差多少分；数值越小越相似。",
        "Similarity is measured on the indicators' normalised scores (the radar's scale): the "
        "root mean square of the two cities' score differences over the indicators both have, "
        "i.e. by how many points they typically differ per indicator; smaller is more similar.",
    ),
    "wit_current": ("当前值", "Current value"),
    "wit_target": ("目标值", "Target value"),
    "wit_change": ("所需变化", "Change needed"),
    "wit_effort": ("占组内极差", "Share of group range"),
    "wit_note": ("说明", "Note"),
    "wit_beyond": ("⚠ 超出组内所有城市", "⚠ beyond every city in the group"),
    "wit_not_reachable": ("无法达到", "not reachable"),
    "wit_no_spread": ("组内各城市取值相同", "every city has the same value"),
    "wit_missing": ("数据缺失", "no data"),
    "wit_excluded": ("未参与排名", "not ranked"),
    "wit_already_first": ("已排第一", "already first"),
    "what_if_caption": (
        "目标值是单独改变该项指标（其他指标不变，整个指数重新计算）时达到目标名次所需的最小值；"
        "所需变化使用指标自身单位（百分比指标为百分点）。按“占组内极差”从小到大排列："
        "例如 25% 表示所需变化相当于组内最高与最低城市差距的四分之一。"
        "“超出组内所有城市”表示目标值超过了组内任何城市的现有水平，不宜视为现实目标；"
        "“无法达到”表示即使超出组内最佳城市一个极差也不足以提升名次。",
        "The target is the smallest value that reaches the target rank when only this "
        "indicator changes (all others unchanged, the whole index recomputed); the change is in "
        "the indicator's own unit (percentage points for a % share). Easiest first by share of "
        "the group's range: 25% means a change of a quarter of the gap between "
        "the group's highest and lowest city. “Beyond every city in the group” means no city "
        "of the group has such a value, so it is hardly a realistic target; “not reachable” "
        "means even a value one whole range beyond the group's best city does not lift the rank.",
    ),
    # --- one build everywhere (issue 11)
    "custom_weights": ("自定义权重 {weights}", "custom weights {weights}"),
    "build_custom": ("当前方案（非默认）：{parts}", "This view's build (not the default): {parts}"),
    "reset_build": ("恢复默认方案", "Back to the default"),
    "download_recipe": ("下载方案文件（JSON）", "Download the recipe (JSON)"),
    "recipe_title": ("载入方案文件", "Load a recipe"),
    "recipe_help": (
        "方案文件记录一次计算的全部设定（比较范围、年份、每项方法与权重），以及数据的标识。载入后，"
        "各页面使用该方案；数据必须与制作方案时相同（否则会说明哪一部分不同）。",
        "A recipe records everything a computation was made from (peer group, year, every method "
        "setting and the weights) and the identity of the data. Once loaded, every page uses it; "
        "the data must be those it was made from (otherwise the page says which part differs).",
    ),
    "recipe_upload": ("方案文件（.json）", "Recipe file (.json)"),
    "recipe_apply": ("使用该方案", "Use this recipe"),
    "recipe_unreadable": ("无法使用该方案文件：{reason}", "This recipe cannot be used: {reason}"),
    "recipe_level": (
        "该方案针对“{level}”层级的数据，本页为城市层级。",
        "This recipe is for the level “{level}”; this view is at city level.",
    ),
    "recipe_year": (
        "该方案的年份 {year} 不在当前数据中。",
        "The recipe's year {year} is not in the data.",
    ),
    "recipe_settings": (
        "该方案使用了本仪表板未提供的设定（{settings}）：请用命令行 python -m indicators compute --recipe 重现。",
        "This recipe uses settings the dashboard does not offer ({settings}): reproduce it on the "
        "command line with python -m indicators compute --recipe.",
    ),
    "recipe_other_data": (
        "当前数据无法重现该方案：{parts}与制作方案时不同。请先上传制作方案时所用的数据文件。",
        "The current data do not reproduce this recipe: {parts} differ from those it was made "
        "from. Upload the files it was made from first.",
    ),
    "recipe_applied": (
        "已载入方案：各页面现在使用与文件完全相同的计算（构建标识 {key}…）。",
        "Recipe loaded: every page now shows exactly the build in the file (build id {key}…).",
    ),
    "recipe_applied_renamed": (
        "已载入方案：数据、指标体系与设定与文件完全一致（构建标识 {key}…），只有数据来源的名称不同。",
        "Recipe loaded: data, framework and settings equal the file's (build id {key}…); only the "
        "data source's name differs.",
    ),
    "part_data.adcodes": ("数据中的单位", "the units in the data"),
    "part_data.years": ("数据中的年份", "the years in the data"),
    "part_data.values": ("数据的数值", "the data values"),
    "part_framework": ("指标体系", "the framework"),
    "part_config": ("方法设定", "the method settings"),
    "part_members": ("比较范围的成员", "the peer group's members"),
    "part_absent": ("缺少数据的成员", "the members without data"),
    "part_unit_groups": ("单位的分组（省份）", "the units' groups (provinces)"),
    "part_units": ("单位表", "the units table"),
    "part_source": ("数据来源名称", "the data source's name"),
    # --- rankings: any metric, the change view, finding a city (issue 11)
    "metric": ("排名对象", "Rank by"),
    "metric_dimension": ("维度", "Dimension"),
    "metric_indicator": ("指标", "Indicator"),
    "view": ("视图", "View"),
    "view_year": ("{year} 年排名", "Ranking {year}"),
    "view_change": ("{a} → {b} 年变化", "Change {a} → {b}"),
    "find_city": ("查找城市（中文、英文或代码）", "Find a city (Chinese, English or code)"),
    "find_none": ("— 不突出显示 —", "— none highlighted —"),
    "found_not_ranked": (
        "{name}在本年未参与排名（见下方说明），因此不在表格和图中。",
        "{name} is not ranked this year (see the note below), so it is not in the table or charts.",
    ),
    "show_all_bars": ("显示全部 {n} 个城市", "Show all {n} cities"),
    "top_bars_note": (
        "图中为前 {top} 名（及查找的城市）；打开“显示全部”可在框内滚动查看全部 {n} 个城市。",
        "The chart shows the top {top} (and the city you found); “show all” lists all {n} in a "
        "scrolling box.",
    ),
    "rank_in": ("{year} 年排名", "Rank {year}"),
    "rank_move": ("排名变化", "Move"),
    "score_in": ("{year} 年得分", "Score {year}"),
    "score_change": ("得分变化", "Score change"),
    "rank_change_places": ("排名变化（位）", "Rank change (places)"),
    "change_view_note": (
        "{a} 与 {b} 年的得分按两年合并标准化，可直接比较；↑ 表示排名上升。",
        "Scores of {a} and {b} are normalised over both years pooled, so they compare "
        "directly; ↑ means a move up the ranking.",
    ),
    "change_absent": (
        "{year} 年缺少{absent}，该年得分由其余指标计算。",
        "{year} lacks {absent}; that year's scores use the other indicators.",
    ),
    "change_per_year": (
        "当前方法按年份分别标准化：得分不能跨年比较，这里只比较排名。",
        "This build normalises each year on its own: scores do not compare across years, so only "
        "ranks are compared.",
    ),
    "dumbbell": ("{a} 与 {b} 年得分", "Scores in {a} and {b}"),
    "map_scale_raw": (
        "同一色标（{low}–{high}）适用于 {years} 年：颜色表示原始值，可跨年比较。",
        "One colour scale ({low}–{high}) for {years}: colours show the raw values, which compare "
        "across years.",
    ),
    "show_all_cities": ("显示全部 {n} 个城市", "Show all {n} cities"),
    "most_moved_note": (
        "图中为排名变化最大的 {k} 个城市；打开“显示全部”查看全部城市。",
        "The chart shows the {k} cities whose rank moved most; “show all” shows every city.",
    ),
    "best_ranked_note": (
        "图中为排名前 {k} 的城市；打开“显示全部”查看全部城市。",
        "The chart shows the {k} best-ranked cities; “show all” shows every city.",
    ),
    "definitions_title": ("{n} 项指标的定义与来源", "Definitions and sources of the {n} indicators"),
    "method_more": ("方法、公式与参考文献（全文）", "Methods, formulas and references (in full)"),
    "coverage_title": ("数据覆盖明细（{n} 行）", "Data coverage in detail ({n} rows)"),
    "rows_scroll": ("显示 {shown} 行，共 {n} 行：其余可在表内滚动查看。", "{shown} of {n} rows shown: scroll the table for the rest."),
    # --- charts
    "chart_subtitle": ("{group} · {year} 年", "{group} · {year}"),
    "chart_source_upload": ("数据来源：{source}", "Data: {source}"),
    "export_help": (
        "下载图片：图上印有标题、比较范围、年份与数据来源",
        "Download the picture: title, group, year and data source are drawn on it",
    ),
    "export_unavailable": (
        "本服务器未安装中文字体，无法导出图片。",
        "No Chinese (CJK) font on this server: charts cannot be exported.",
    ),
    "export_unavailable_plotly": (
        "无法在本服务器准备图表导出文件。",
        "Chart export could not be prepared on this server.",
    ),
    "export_failed": ("导出失败，请重试", "Export failed, please try again"),
    "chart_shift": ("排名：默认方案与当前方案", "Ranks: the default build against yours"),
    "chart_intervals": ("排名区间（第 5–95 百分位）", "Rank intervals (5th–95th percentile)"),
    "chart_of": ("{name}：{chart}", "{name}: {chart}"),  # 上海市：得分构成 / 人才活力指数：地图
    # --- county-ui
    # Texts of the county level (区县): the level switch, its peer groups, the drill-down, and
    # the county variants (`<key>_county`, chosen by ui.context.lt) of texts that name the units.
    "unit_level": ("分析层级", "Level"),
    "unit_level_city": ("城市", "City"),
    "unit_level_county": ("区县", "County"),
    "city_noun": ("城市", "cities"),
    "county_noun": ("区县", "counties"),
    "parent_city": ("所属城市", "City"),
    "group_citycounties": ("某市下辖区县", "Counties of a city"),
    "group_citycounties_of": ("{city}下辖区县", "Counties of {city}"),
    "group_ccity_prov": ("某省县级市", "County-level cities of a province"),
    "group_ccity_prov_of": ("{province}县级市", "County-level cities of {province}"),
    "group_ccity_all": ("全国县级市", "All county-level cities"),
    "group_yrd27_county": ("长三角中心区 27 城的区县", "Counties of the YRD central 27 cities"),
    "group_all_county": ("全国所有区县", "All counties"),
    "group_province_county": ("按省份（全部区县）", "One province (all counties)"),
    "group_caption_county": ("{group} · {n} 个区县", "{group} · {n} counties"),
    "year_not_in_group": (
        "“{group}”没有 {year} 年数据（区县 2010 年数据的范围见方法说明），现显示 {shown} 年。",
        "“{group}” has no {year} data (which counties have 2010 data: see the methods), so {shown} is shown.",
    ),
    "drill_down": ("查看下辖区县排名", "Rank its counties"),
    "drill_down_help": (
        "切换到区县层级，比较范围为{city}下辖区县，并打开排名。",
        "Switches to the county level with the counties of {city} as the peer group and opens the rankings.",
    ),
    "drill_none": (
        "{city}没有可单独排名的下辖区县。",
        "{city} has no counties that can be ranked as a group.",
    ),
    "back_to_city": ("返回所属城市：{city}", "Back to its city: {city}"),
    "back_to_city_help": (
        "切换回城市层级并打开{city}的城市画像。",
        "Switches back to the city level and opens the profile of {city}.",
    ),
    "county_type": (
        "类型：{type} · 所属城市：{city} · {province}",
        "Type: {type} · City: {city} · {province}",
    ),
    "already_first_county": ("该区县已排名第一。", "This county already ranks first."),
    "city_county": ("区县", "County"),
    "download_brief_county": ("下载区县简报（PDF）", "Download the county brief (PDF)"),
    "nearest_peers_county": ("最相似的区县", "Nearest peers"),
    "no_index_city_county": (
        "该区县在所选年份没有指数得分（数据缺失），因此无法计算排名提升。",
        "This county has no index score in the chosen year (its data are missing), so there is no rank to improve.",
    ),
    "page_city_county": ("区县画像", "County profile"),
    "peers_note_county": (
        "相似度按各项指标的标准化得分（与雷达图同一标尺）计算：两区县在共同有数据的指标上得分差的均方根，即平均每项指标相差多少分；数值越小越相似。",
        "Similarity is measured on the indicators' normalised scores (the radar's scale): the root mean square of the two counties' score differences over the indicators both have, i.e. by how many points they typically differ per indicator; smaller is more similar.",
    ),
    "what_if_caption_county": (
        "目标值是单独改变该项指标（其他指标不变，整个指数重新计算）时达到目标名次所需的最小值；所需变化使用指标自身单位（百分比指标为百分点）。按“占组内极差”从小到大排列：例如 25% 表示所需变化相当于组内最高与最低区县差距的四分之一。“超出组内所有区县”表示目标值超过了组内任何区县的现有水平，不宜视为现实目标；“无法达到”表示即使超出组内最佳区县一个极差也不足以提升名次。",
        "The target is the smallest value that reaches the target rank when only this indicator changes (all others unchanged, the whole index recomputed); the change is in the indicator's own unit (percentage points for a % share). Easiest first by share of the group's range: 25% means a change of a quarter of the gap between the group's highest and lowest county. “Beyond every county in the group” means no county of the group has such a value, so it is hardly a realistic target; “not reachable” means even a value one whole range beyond the group's best county does not lift the rank.",
    ),
    "wide_interval_note_county": (
        "⚠ 该区县的排名区间异常宽：在不确定性分析中（权重和方法选择随机变动），它的排名变化比组内大多数区县都大，单一名次应谨慎解读。",
        "⚠ This county's rank interval is unusually wide: when the weights and method choices are varied at random (uncertainty analysis), its rank moves far more than most counties' — read the single rank with care.",
    ),
    "choose_cities_county": ("选择 2–6 个区县", "Choose 2–6 counties"),
    "choose_two_county": ("请至少选择两个区县。", "Choose at least two counties."),
    "page_compare_county": ("区县对比", "Compare"),
    "best_ranked_note_county": (
        "图中为排名前 {k} 的区县；打开“显示全部”查看全部区县。",
        "The chart shows the {k} best-ranked counties; “show all” shows every county.",
    ),
    "cities_moved_county": ("排名变化的区县", "Counties whose rank changed"),
    "most_moved_note_county": (
        "图中为排名变化最大的 {k} 个区县；打开“显示全部”查看全部区县。",
        "The chart shows the {k} counties whose rank moved most; “show all” shows every county.",
    ),
    "show_all_cities_county": ("显示全部 {n} 个区县", "Show all {n} counties"),
    "find_city_county": (
        "查找区县（中文、英文或代码）",
        "Find a county (Chinese, English or code)",
    ),
    "flagged_note_county": (
        "数据覆盖后的 ⚠：该区县数据不足（未达到筛选规则），按设置仍参与排名，请谨慎解读。",
        "⚠ after the coverage: this county has too little data (it fails the screening rule) but is ranked as configured; read its rank with care.",
    ),
    "ranking_click_note_county": (
        "点击区县名称（或该行任一单元格）、条形图的条或地图上的区县，即可打开该区县画像。排名区间来自蒙特卡洛不确定性分析（权重扰动、标准化、汇总方法、异常值处理、剔除单个指标）。",
        "Click a county's name (or any cell of its row), a bar or a county on the map to open that county's profile. Rank ranges come from a Monte Carlo uncertainty analysis (weight noise, normalisation, aggregation, outlier treatment, dropping one indicator).",
    ),
    "show_all_bars_county": ("显示全部 {n} 个区县", "Show all {n} counties"),
    "top_bars_note_county": (
        "图中为前 {top} 名（及查找的区县）；打开“显示全部”可在框内滚动查看全部 {n} 个区县。",
        "The chart shows the top {top} (and the county you found); “show all” lists all {n} in a scrolling box.",
    ),
    "wide_note_county": (
        "排名区间后的 ⚠：区间异常宽——该区县的名次对方法选择特别敏感（区间宽度是组内的离群值，且跨越至少四分之一的名次）。",
        "⚠ after a rank range: unusually wide — this county's rank depends strongly on the method choices (its interval is an outlier among the group's and spans at least a quarter of the ranks).",
    ),
    "cities_unit_county": ("个区县", "counties"),
    "n_units_county": ("区县数", "Counties"),
    "custom_members_county": ("选择区县", "Choose counties"),
    "not_in_group_county": (
        "{value} 不在当前比较范围内，已改选其他区县。",
        "{value} is not in the current peer group; another county is shown.",
    ),
    "some_not_in_group_county": (
        "部分区县不在当前比较范围内，已移除。",
        "Some counties are not in the current peer group and were removed.",
    ),
    "too_many_choices_county": (
        "最多可选 {n} 个区县，已保留前 {n} 个。请先移除一个区县再添加。",
        "At most {n} counties; the first {n} are kept. Remove one before adding another.",
    ),
    "group_too_small_shown_county": (
        "所选比较范围“{group}”只有 {n} 个可排名的区县（至少需要 {least} 个），现显示“{shown}”。",
        "The chosen peer group “{group}” has too few rankable counties ({n}; at least {least} are needed); showing “{shown}” instead.",
    ),
    "group_too_small_custom_county": (
        "在侧边栏“选择区县”中选择至少 2 个区县即可使用自定义范围。",
        "Choose at least 2 counties under “Choose counties” in the sidebar to use a custom group.",
    ),
    "province_too_small_county": (
        "{value} 只有 {n} 个可排名的区县，无法单独组成比较范围（至少需要 {least} 个）；现显示 {shown}。",
        "{value} has too few rankable counties to form a peer group on its own ({n}; at least {least} are needed); showing {shown} instead.",
    ),
    "recipe_level_county": (
        "该方案针对“{level}”层级的数据，本页为区县层级（侧边栏可切换层级）。",
        "This recipe is for the level “{level}”; this view is at county level (switch the level in the sidebar).",
    ),
}


def t(key: str, lang: str, /, **fmt: object) -> str:
    """Text for ``key`` in ``lang`` ("zh" or "en"), with ``str.format`` fields filled in."""
    zh, en = STRINGS[key]
    text = en if lang == "en" else zh
    if not fmt:
        return text
    # Filled-in values are data (link values, names): escape them, as the text is shown as Markdown.
    from ui.safe import md

    return text.format(**{k: md(v) for k, v in fmt.items()})


def fmt_number(value: float | None, lang: str, digits: int = 1) -> str:
    """A number for display: thousands separators, fixed decimals, missing shown as missing."""
    if value is None or pd.isna(value):
        return t("missing", lang)
    return f"{float(value):,.{digits}f}"


def fmt_rank(rank: float | None, n: int | None, lang: str) -> str:
    """A rank as "3 / 27" (English) or "第 3 / 27 名" (Chinese)."""
    if rank is None or pd.isna(rank):
        return t("missing", lang)
    r = int(rank)
    if lang == "en":
        return f"{r} / {n}" if n else f"{r}"
    return f"第 {r} / {n} 名" if n else f"第 {r} 名"
