"""Every missing indicator value in the bundled data has a stated reason, and no reason is stale."""

from pathlib import Path

import pandas as pd

from ui.views import missing_reason

DATA = Path(__file__).resolve().parents[1] / "data"


def _frames():
    cities = pd.read_csv(DATA / "cities.csv", dtype={"adcode": str})
    notes = pd.read_csv(DATA / "missing_notes.csv", dtype={"adcode": str, "year": "Int64"})
    codes = pd.read_csv(DATA / "framework.csv").query("level == 1")["code"]
    return cities, notes, list(codes)


def test_every_missing_cell_has_a_reason_in_both_languages():
    cities, notes, codes = _frames()
    unexplained = []
    for code in codes:
        for _, row in cities.loc[cities[code].isna(), ["adcode", "year"]].iterrows():
            for lang in ("zh", "en"):
                if not missing_reason(notes, code, int(row["year"]), row["adcode"], lang):
                    unexplained.append((code, row["year"], row["adcode"], lang))
    assert unexplained == []


def test_no_note_without_a_missing_cell():
    cities, notes, _ = _frames()
    for _, note in notes.iterrows():
        rows = cities
        if pd.notna(note["year"]):
            rows = rows.loc[rows["year"] == note["year"]]
        if pd.notna(note["adcode"]):
            rows = rows.loc[rows["adcode"] == note["adcode"]]
        assert len(rows) and rows[note["code"]].isna().all(), note.to_dict()


def test_reason_lookup_prefers_the_most_specific_note():
    notes = pd.DataFrame(
        {
            "code": ["x", "x"],
            "year": pd.array([2010, pd.NA], dtype="Int64"),
            "adcode": [None, "1"],
            "reason_zh": ["年", "城"],
            "reason_en": ["year", "unit"],
        }
    )
    assert missing_reason(notes, "x", 2010, "2", "en") == "year"
    assert missing_reason(notes, "x", 2020, "1", "en") == "unit"
    assert missing_reason(notes, "y", 2010, "1", "en") == ""
