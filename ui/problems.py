"""Validation problems in the page's language (no Streamlit here).

The engine (``indicators``) writes its problems in English, for the command line, the Python API
and the logs, and it quotes the user's input as found (``'abc'``, a column name, a row number).
The dashboard shows them in a table whose headers and summary come from ``ui.i18n``; the
message itself is rendered in Chinese by :data:`PATTERNS`: one regular expression per common
engine message, whose groups (the quoted input, numbers, names) are put unchanged into a Chinese
template. A message no pattern matches is shown as the engine wrote it; the page then says that
some explanations are in English (see ``problems_untranslated`` in ``ui.i18n``).

Why patterns and not a message id carried by ``Problem``: the engine has about a hundred
messages in a dozen modules, and other work on the engine is under way; the patterns cover the
messages an uploader meets in practice (cells that are not numbers, duplicate or empty ids,
missing columns, empty or unreadable files, the dashboard's own limits), and a test checks that
each pattern still matches the message the engine produces for it
(``tests/test_trust_compare_methodology.py``).
"""

from __future__ import annotations

import re

import pandas as pd

#: (engine message as a regular expression, Chinese template with the groups as {0}, {1}, …)
PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern + r"\Z", re.S), zh)
    for pattern, zh in (
        (r"expected a number, got (.+?): remove the % sign \(write (.+?) if the column is in percent, or the share as a fraction\)", "应为数字，实际为 {0}：请去掉百分号（若该列以百分数计，写作 {1}；否则写成小数形式的比例）"),
        (r"expected a number, got (.+?) \(decimal comma\? use a point: 1\.5\)", "应为数字，实际为 {0}（是否用了小数逗号？请用小数点，如 1.5）"),
        (r"expected a number, got the boolean (.+)", "应为数字，实际为布尔值 {0}"),
        (r"expected a number, got the date/time (.+)", "应为数字，实际为日期/时间 {0}"),
        (r"expected a finite number of magnitude at most (\S+), got (.+)", "应为绝对值不超过 {0} 的有限数字，实际为 {1}"),
        (r"expected a number of magnitude at most (\S+), got (.+)", "应为绝对值不超过 {0} 的数字，实际为 {1}"),
        (r"expected a finite number, got (.+)", "应为有限数字，实际为 {0}"),
        (r"expected a number, got (.+)", "应为数字，实际为 {0}"),
        (r"expected a unit id, got the number (.+)", "应为单位代码，实际为数字 {0}"),
        (r"expected a unit id \(text or a whole number\), got (.+)", "应为单位代码（文本或整数），实际为 {0}"),
        (r"expected a unit id, got (.+)", "应为单位代码，实际为 {0}"),
        (r"year is empty", "年份为空"),
        (r"year must be a whole number, got (.+)", "年份必须是整数，实际为 {0}"),
        (r"unit id is empty", "单位代码为空"),
        (r"adcode is empty", "adcode 为空"),
        (r"duplicate row for unit (.+?) and year (\S+) \(first on row (\d+)\)", "单位 {0} 在 {1} 年的数据重复（首次出现在第 {2} 行）"),
        (r"duplicate row for (.+?) \(first on row (\d+)\)", "{0} 的数据重复（首次出现在第 {1} 行）"),
        (r"duplicate adcode (.+?) \(first on row (\d+)\)", "adcode {0} 重复（首次出现在第 {1} 行）"),
        (r"required column (.+?) \(unit id\) is missing", "缺少必需的列 {0}（单位代码）"),
        (r"required column (.+?) is missing", "缺少必需的列 {0}"),
        (r"framework indicator (.+?) is not a column of the data", "指标体系中的指标 {0} 不是数据中的列"),
        (r"indicator (.+?) has no values \(every cell is missing\)", "指标 {0} 没有任何数值（所有单元格均缺失）"),
        (r"the file is empty", "文件为空"),
        (r"the sheet is empty", "工作表为空"),
        (r"the file has a header but no data rows", "文件只有表头，没有数据行"),
        (r"the framework has no rows", "指标体系文件没有任何行"),
        (r"column (\d+) of the header has no name", "表头第 {0} 列没有列名"),
        (r"column name (.+?) appears more than once in the header", "列名 {0} 在表头中出现了不止一次"),
        (r"not a readable Excel \(\.xlsx\) workbook: (.+)", "不是可读取的 Excel（.xlsx）工作簿：{0}"),
        (r"not a readable Parquet file: (.+)", "不是可读取的 Parquet 文件：{0}"),
        (r"old \.xls workbooks are not supported: save as \.xlsx", "不支持旧版 .xls 工作簿：请另存为 .xlsx"),
        (r"group membership must be 0 or 1, got (.+)", "分组成员标记必须是 0 或 1，实际为 {0}"),
        (r"direction must be \+1 or -1, got (.+)", "方向必须是 +1 或 -1，实际为 {0}"),
        (r"code is empty", "代码为空"),
        (r"the units file lists none of the data's (\d+) units \(the data have (.+?); the units file (.+)\): is it the right file\?", "城市名单文件不含数据中 {0} 个单位中的任何一个（数据中有 {1}；名单文件中有 {2}）：是否选错了文件？"),
        (r"(\d+) unit\(s\) of the data are not in the units file and are named by their id: (.+)", "数据中有 {0} 个单位不在城市名单文件中，以其代码命名：{1}"),
        (r"(\d+) unit\(s\) of the units file have no data and are left out: (.+)", "城市名单文件中有 {0} 个单位没有数据，已略去：{1}"),
        (r"columns that are not framework indicators are carried along but not used: (.+)", "不属于指标体系的列会保留但不参与计算：{0}"),
        # the dashboard's own refusals (ui.loaders.dataset_from_upload)
        (r"reading and checking the files took longer than (\S+) s and was stopped; use the command line \((.+)\) for very large files", "读取和校验文件超过 {0} 秒，已停止；很大的文件请使用命令行（{1}）"),
        (r"the reading process stopped \(exit code (-?\d+|None)\)", "读取进程意外退出（退出码 {0}）"),
        (r"the files need more memory than an upload may use", "这些文件所需内存超过了上传允许的上限"),
        (r"the files could not be read \((.+)\)", "无法读取这些文件（{0}）"),
        (r"the file has ([\d,]+) lines: the dashboard computes up to ([\d,]+) units \(([\d,]+) rows\) interactively; use the command line for larger panels \((.+)\)", "文件有 {0} 行：仪表板最多交互计算 {1} 个单位（{2} 行）；更大的数据请使用命令行（{3}）"),
        (r"([\d,]+) units in ([\d,]+) rows: the dashboard computes up to ([\d,]+) units \(([\d,]+) rows\) interactively; use the command line for larger panels \((.+)\)", "{0} 个单位、{1} 行：仪表板最多交互计算 {2} 个单位（{3} 行）；更大的数据请使用命令行（{4}）"),
    )
)  # fmt: skip


_MORE = re.compile(r" and (\d+) more\Z")  # the end of a list the engine shortened


def translate(message: str, lang: str) -> tuple[str, bool]:
    """``(text, translated)``: the message in ``lang``; English is the engine's own text."""
    if lang == "en":
        return message, True
    for pattern, zh in PATTERNS:
        match = pattern.match(message)
        if match:
            parts = [_MORE.sub(r" 等（另有 \1 个）", g or "") for g in match.groups()]
            # a part may be a message of its own (the reading process's reason, say)
            parts = [translate(p, lang)[0] for p in parts]
            return zh.format(*parts), True
    return message, False


def localised(problems: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, int]:
    """The problem table (``file, row, column, problem``) with each message in ``lang``, and
    how many messages stayed in English (no pattern matched)."""
    out = problems.copy()
    rendered = [translate(str(m), lang) for m in out["problem"]]
    out["problem"] = [text for text, _ in rendered]
    return out, sum(not ok for _, ok in rendered)
