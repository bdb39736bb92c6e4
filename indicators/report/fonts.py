"""The CJK font the PDFs embed.

Typst is run with ``ignore_system_fonts=True`` and pointed at one font directory, so a PDF looks
the same on every machine (and typst does not scan every installed font, which costs time).
The font is found in this order: the directory in ``$INDICATORS_FONT_DIR`` (must hold one of the
fonts below), then the Debian/Ubuntu locations of the packages named in :data:`CANDIDATES`.
None found is an error that names the package to install; a PDF with boxes for Chinese is
never produced.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

#: (file name, family name typst knows it by, Debian package) in order of preference
CANDIDATES: tuple[tuple[str, str, str], ...] = (
    ("wqy-microhei.ttc", "WenQuanYi Micro Hei", "fonts-wqy-microhei"),
    ("NotoSansCJK-Regular.ttc", "Noto Sans CJK SC", "fonts-noto-cjk"),
    ("wqy-zenhei.ttc", "WenQuanYi Zen Hei", "fonts-wqy-zenhei"),
)
SEARCH = (
    Path("/usr/share/fonts/truetype/wqy"),
    Path("/usr/share/fonts/opentype/noto"),
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local/share/fonts",
    Path.home() / ".fonts",
)


class FontMissing(RuntimeError):
    """No CJK font was found (the message says what to install)."""


@dataclass(frozen=True)
class Font:
    family: str
    directory: Path


def find_cjk_font() -> Font:
    """The first CJK font of :data:`CANDIDATES` found (see the module docstring)."""
    override = os.environ.get("INDICATORS_FONT_DIR")
    places = [Path(override)] if override else list(SEARCH)
    for place in places:
        for filename, family, _package in CANDIDATES:
            if (place / filename).is_file():
                return Font(family, place)
    where = f"$INDICATORS_FONT_DIR ({override})" if override else ", ".join(map(str, SEARCH))
    raise FontMissing(
        "no Chinese (CJK) font found for the PDF in " + where + ": install Debian's "
        "fonts-wqy-microhei (apt-get install fonts-wqy-microhei), or set INDICATORS_FONT_DIR "
        "to a directory holding one of: " + ", ".join(c[0] for c in CANDIDATES)
    )
