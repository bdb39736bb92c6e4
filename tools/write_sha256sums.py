"""Record the SHA-256 of every committed data file in ``data/SHA256SUMS``.

Run after rebuilding the data (``python -m indicators build-data ...``) and commit the result:

    python tools/write_sha256sums.py          # writes data/SHA256SUMS
    cd data && sha256sum -c SHA256SUMS        # the same check with coreutils

``tests/hardening/test_determinism.py`` fails when a data file differs from its recorded sum,
so a changed file is always a deliberate, reviewed change.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"
SUMS = DATA / "SHA256SUMS"
PATTERNS = ("*.csv", "*.md", "geo/*.geojson", "geo/*.md", "geo/counties/*")


def data_files() -> list[Path]:
    files = {p for pattern in PATTERNS for p in DATA.glob(pattern)}
    return sorted(files, key=lambda p: p.relative_to(DATA).as_posix())


def sums() -> str:
    lines = []
    for path in data_files():
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        lines.append(f"{digest}  {path.relative_to(DATA).as_posix()}\n")
    return "".join(lines)


def main() -> int:
    SUMS.write_text(sums(), encoding="utf-8")
    print(f"wrote {SUMS} ({len(data_files())} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
