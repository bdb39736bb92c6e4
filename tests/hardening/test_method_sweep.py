"""Every combination of the sidebar's method choices either builds or is refused with a reason
before any page renders.

Regression (hardening round two, §2): normalisation = z-score with a geometric or harmonic mean
raised a ValidationError shown as a traceback on every page (144 of the 1,296 combinations;
``/?norm=zscore&agg=geometric``).
"""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from indicators import Build, ValidationError, run_pipeline, uncertainty
from ui import loaders, state

ROOT = Path(__file__).resolve().parents[2]
# the method choices (screening is a sidebar choice too, but no rule ties it to a method: it is
# checked on its own below, so that the sweep stays at 6 x 6 x 3 x 2 x 6 combinations)
METHOD_CHOICES = [p for p in state.METHOD_PARAMS if p.step is not None]
KEYS = [p.url for p in METHOD_CHOICES]
CHOICES = [p.constraint.options for p in METHOD_CHOICES]
COMBOS = [dict(zip(KEYS, values, strict=True)) for values in itertools.product(*CHOICES)]


def _refused(combo: dict) -> bool:
    return combo["norm"] == "zscore" and combo["agg"] in ("geometric", "harmonic")


@pytest.fixture(scope="module")
def bundled():
    dataset = loaders.bundled_dataset()
    members = loaders.members_for(dataset, loaders.options_for(dataset).default_selections())
    return dataset, members


def test_every_combination_builds_or_is_refused_with_a_reason(bundled):
    dataset, members = bundled
    assert len(COMBOS) == 1296
    refused = []
    for combo in COMBOS:
        config = loaders.config_for(combo)
        try:
            build = Build.create(
                dataset.data, dataset.framework, config, members=list(members), units=dataset.units
            )
        except ValidationError as err:
            assert err.problems and all(p.message for p in err.problems)
            refused.append(combo)
            continue
        result = run_pipeline(build)
        assert result.scores["rank"].notna().sum() == 54, combo
    assert len(refused) == 144 and all(_refused(c) for c in refused)


def test_a_sample_of_accepted_combinations_gives_rank_intervals(bundled):
    dataset, members = bundled
    accepted = [c for c in COMBOS if not _refused(c)]
    for combo in random.Random(7).sample(accepted, 24):
        build = loaders.build(dataset, members, loaders.config_for(combo))
        ranks = uncertainty(build, n=40, seed=1).ranks
        assert ranks["p95"].notna().all(), combo


@pytest.fixture
def fresh():
    st.cache_data.clear()
    st.cache_resource.clear()


def _page(combo: dict, page: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for key, value in combo.items():
        at.query_params[key] = value
    at.run()
    if page != "rankings":
        at.switch_page(f"pages/{page}.py").run()
    return at


def test_every_refused_combination_is_explained_on_the_page(fresh):
    pages = ("rankings", "city", "compare", "lab", "methodology", "data")
    for k, combo in enumerate(c for c in COMBOS if _refused(c)):
        at = _page(combo, pages[k % len(pages)])
        assert not at.exception, (combo, [e.value for e in at.exception])
        assert at.title[0].value == "无法计算" and at.error
        assert any("Z 分数约有一半为负值" in m.value for m in at.markdown), combo
        assert not at.dataframe  # no page rendered half-way


@pytest.mark.parametrize("page", ["rankings", "city", "compare", "lab", "methodology", "data"])
def test_a_sample_of_accepted_combinations_renders_every_page(fresh, page):
    accepted = [c for c in COMBOS if not _refused(c)]
    for combo in random.Random(page).sample(accepted, 3):
        at = _page(combo, page)
        assert not at.exception, (combo, page, [e.value for e in at.exception])
        assert not at.error, (combo, page, [e.value for e in at.error])


@pytest.mark.parametrize("screen", ["exclude", "flag", "none"])
def test_every_screening_choice_builds_and_renders(fresh, screen):
    at = _page({"screen": screen, "group": "all"}, "rankings")
    assert not at.exception and not at.error
    table = at.dataframe[0].value
    sansha_ranked = "三沙市" in set(table["name"])
    assert sansha_ranked == (screen != "exclude")
