"""One declaration of every setting drives validation, the command line, links and the sidebar.

Each surface must expose exactly the declared parameters (no more, no fewer), with the declared
choices, labels and defaults; and the engine must stay importable without streamlit.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from indicators import uncertainty as _  # noqa: F401  (binds the function)
from indicators.config import PARAMETERS, Config
from indicators.methods import METHODS
from indicators.uncertainty import PARAMETERS as UA_PARAMETERS

ROOT = Path(__file__).resolve().parents[1]


def test_every_config_field_is_declared_once():
    import dataclasses

    fields = [f.name for f in dataclasses.fields(Config)]
    declared = [p.name for p in PARAMETERS]
    assert sorted(declared) == sorted(fields) and len(set(declared)) == len(declared)
    for param in PARAMETERS:  # every default satisfies its own declaration
        assert param.problems(getattr(Config(), param.name)) == [], param.name
    assert Config().validate() == []


def _options(subparser) -> set[str]:
    return {o for action in subparser._actions for o in action.option_strings}


def test_cli_flags_are_exactly_the_declared_parameters():
    from indicators.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    inputs = {"-h", "--help", "--data", "--framework", "--units", "--units-file", "--year"}
    inputs |= {"--coinr", "--out", "--recipe", "--write-recipe", "--level", "--columns"}
    declared = {p.cli_flag for p in PARAMETERS if p.cli}
    assert _options(sub.choices["compute"]) - inputs == declared
    ua = declared | {p.cli_flag for p in UA_PARAMETERS if p.cli}
    assert _options(sub.choices["uncertainty"]) - inputs == ua
    # choices and defaults come from the declaration
    for action in sub.choices["compute"]._actions:
        param = next((p for p in PARAMETERS if p.cli and p.cli_flag in action.option_strings), None)
        if param is not None and param.step is not None:
            assert list(action.choices) == list(METHODS[param.step])
            assert f"(default: {getattr(Config(), param.name)})" in action.help


def test_every_declared_cli_flag_reaches_the_config(tmp_path):
    """Each flag, given a non-default value, changes exactly its own field."""
    from indicators.cli import _config, build_parser

    examples = {
        "normalise": "rank", "weights": "equal", "aggregate": "geometric", "treat": "coinr",
        "impute": "mean", "normalise_scope": "per_year", "min_coverage": "0.25",
        "treat_skew": "1.5", "treat_kurt": "2.5", "treat_winmax": "3",
        "goalposts": "ind_a:0:50", "weights_levels": "1", "weight_overrides": "D1:2",
        "aggregate_by_level": "3:harmonic", "screen": "flag", "screen_min_share": "0.5",
    }  # fmt: skip
    cli = [p for p in PARAMETERS if p.cli]
    assert {p.name for p in cli} == set(examples)
    for param in cli:
        argv = ["compute", param.cli_flag, examples[param.name], "--out", str(tmp_path / "o.csv")]
        args = build_parser().parse_args(argv)
        args.coinr = False
        config = _config(args)
        assert set(config.changes()) == {param.name}, param.name


def test_links_and_sidebar_offer_exactly_the_declared_method_settings():
    from streamlit.testing.v1 import AppTest

    from ui import state

    url = {p.url for p in PARAMETERS if p.url}
    views = {"lang", "level", "group", "prov", "parent", "members", "year", "w"}
    assert set(state.SHARED_KEYS) - views == url
    for lang, position in (("zh", 0), ("en", 1)):
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
        at.query_params["lang"] = lang
        at.run()
        assert not at.exception
        shown = {box.label: box for box in at.sidebar.selectbox}
        for param in (p for p in PARAMETERS if p.url):
            box = shown[param.label[position]]
            labels = [param.choice_label(o, lang) for o in param.constraint.options]
            if param.step:  # a method's labels are its registry's
                assert labels == [m.label(lang) for m in METHODS[param.step].values()]
            assert box.options == labels, param.name
            assert box.value == getattr(Config(), param.name)
        method_boxes = [
            b for b in at.sidebar.selectbox if b.label in {p.label[position] for p in PARAMETERS}
        ]
        assert len(method_boxes) == len(url)


@pytest.mark.parametrize(
    "modules",
    [
        "indicators",
        "indicators, indicators.cli, indicators.export, indicators.analysis, indicators.build",
    ],
)
def test_importing_the_engine_never_imports_streamlit(modules):
    code = (
        f"import sys; import {modules}; import indicators.uncertainty; "
        "from indicators import run_pipeline, Build, Config; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'streamlit'); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
