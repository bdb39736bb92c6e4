"""Compile the typst templates (``templates/``) with their content as JSON.

Why JSON and not generated markup: every text from the data (unit names, group labels, file
names, framework texts) reaches typst as a JSON string read with ``json(bytes(...))`` and is
placed as text, so no name can ever be read as markup, code or a math formula (``#sys.exit()``,
``*bold*``, ``$x$`` and ``<script>`` print as they are). The templates are the only markup.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from indicators.report.fonts import Font, find_cjk_font

TEMPLATES = Path(__file__).with_name("templates")


class ReportError(RuntimeError):
    """The PDF could not be made (the message says why)."""


def compile_pdf(template: str, payload: dict[str, Any], font: Font | None = None) -> bytes:
    """The PDF of ``templates/<template>`` with ``payload`` as ``sys.inputs.data``."""
    import typst

    font = font or find_cjk_font()
    data = json.dumps(payload, ensure_ascii=False, allow_nan=False)
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
