"""Compile the typst templates (``templates/``) with their content as JSON.

Why JSON and not generated markup: every text from the data (unit names, group labels, file
names, framework texts) reaches typst as a JSON string read with ``json(bytes(...))`` and is
placed as text, so no name can ever be read as markup, code or a math formula (``#sys.exit()``,
``*bold*``, ``$x$`` and ``<script>`` print as they are). The templates are the only markup.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from indicators.report.fonts import Font, find_cjk_font

TEMPLATES = Path(__file__).with_name("templates")


#: payload keys whose strings are SVG figures, not text
SVG_KEYS = frozenset({"radar", "map", "spread", "chart"})
ZWSP = "\u200b"
_LONG_RUN = re.compile(r"[^\s\u2e80-\u9fff\uff00-\uffef]{20,}")


def breakable(text: str) -> str:
    """``text`` with a zero-width space after every 12 characters of a run of 20 or more
    characters without a break opportunity (no space, not CJK), so that a long name from the
    data wraps inside its column instead of running off the page."""

    def split(match: re.Match) -> str:
        run = match.group(0)
        return ZWSP.join(run[i : i + 12] for i in range(0, len(run), 12))

    return _LONG_RUN.sub(split, text)


def _breakable(value: Any, key: str = "") -> Any:
    if isinstance(value, str):
        return value if key in SVG_KEYS else breakable(value)
    if isinstance(value, dict):
        return {k: _breakable(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_breakable(v, key) for v in value]
    return value


class ReportError(RuntimeError):
    """The PDF could not be made (the message says why)."""


def compile_pdf(template: str, payload: dict[str, Any], font: Font | None = None) -> bytes:
    """The PDF of ``templates/<template>`` with ``payload`` as ``sys.inputs.data``."""
    import typst

    font = font or find_cjk_font()
    data = json.dumps(_breakable(payload), ensure_ascii=False, allow_nan=False)
    try:
        return typst.compile(
            str(TEMPLATES / template),
            root=str(TEMPLATES),
            font_paths=[str(font.directory)],
            ignore_system_fonts=True,  # the same PDF on every machine; no font scan
            sys_inputs={"data": data, "font": font.family},
            format="pdf",
        )
    except RuntimeError as exc:  # typst's compile errors (a defect of a template)
        raise ReportError(f"typst could not lay out {template}: {exc}") from exc
