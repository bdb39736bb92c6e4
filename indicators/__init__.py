"""Talent vitality index engine: a composite-indicator toolkit in pure Python.

The public API is listed in ``docs/ENGINE_API.md``. Names are imported lazily so that
``import indicators`` stays cheap and a submodule (for example the census build) can be used
without loading the whole engine. This package never imports streamlit.
"""

from __future__ import annotations

import importlib
from typing import Any

# public name -> submodule that defines it
_EXPORTS: dict[str, str] = {
    "Framework": "framework",
    "Problem": "validate",
    "ValidationError": "validate",
    "load_framework": "tables",
    "load_data": "tables",
    "load_units": "tables",
    "load_coinr": "coinr",
    "default_paths": "tables",
    "select_units": "groups",
    "reconcile_units": "groups",
    "Config": "config",
    "PARAMETERS": "config",
    "Build": "build",
    "run_pipeline": "pipeline",
    "regenerate": "pipeline",
    "Result": "result",
    "correlations": "analysis",
    "cronbach_alpha": "analysis",
    "pca_variance": "analysis",
    "strengths_weaknesses": "analysis",
    "nearest_peers": "analysis",
    "what_it_takes": "analysis",
    "contributions": "analysis",
    "uncertainty": "uncertainty",
    "UncertaintyResult": "uncertainty",
    "write_table": "export",
    "methodology_table": "export",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'indicators' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"indicators.{module}"), name)
    globals()[name] = value  # cache: the next lookup skips this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


# ``uncertainty`` names both a submodule and its main function. Importing the submodule anywhere
# would rebind the package attribute to the module, so bind the function eagerly (the submodule
# is then already loaded and later imports leave the attribute alone).
from indicators.uncertainty import UncertaintyResult, uncertainty  # noqa: E402, F401
