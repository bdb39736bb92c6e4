"""Recipes: the portable form of a build, which reproduces it exactly.

A recipe is a small JSON file that names everything a :class:`~indicators.build.Build` is made
from except the data themselves: where the data came from (the bundled tables or a file name),
the peer group (as asked, e.g. ``yrd27`` or ``浙江省``, and the member adcodes it gave), the
year shown, every setting of the config (in full, so a later change of a default cannot change
the result), the engine version, and the build's identity (:attr:`Build.key` and the digest of
each part, :attr:`Build.key_parts`).

Reproducing a recipe (:func:`build_from_recipe`, ``python -m indicators compute --recipe F``)
rebuilds from the data it is given and checks the identity: a build that differs in any part
(other data values, another framework, other units) is refused with the parts named, never
computed silently. The same build then gives the same result, and the same export bytes.

The file is written canonically (sorted keys, two-space indent, UTF-8, one final newline), so
writing a recipe that was read gives the same bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from indicators.build import Build
from indicators.config import Config
from indicators.framework import Framework
from indicators.validate import Problem, ValidationError

__all__ = ["Recipe", "RECIPE_FORMAT", "RECIPE_VERSION", "build_from_recipe", "recipe_for"]

RECIPE_FORMAT = "talent-vitality build recipe"
RECIPE_VERSION = 1
#: Largest recipe file read (a recipe of 5,000 members is about 60 kB).
MAX_RECIPE_BYTES = 2_000_000

_PART_NAMES = {
    "data.adcodes": "the units in the data",
    "data.years": "the years in the data",
    "data.values": "the data values",
    "framework": "the framework",
    "config": "the method settings",
    "members": "the peer group's members",
    "absent": "the members without data",
    "unit_groups": "the units' groups (provinces)",
    "units": "the units table",
    "source": "the data source's name",
}


@dataclass(frozen=True)
class Recipe:
    """A build in portable form (see the module docstring)."""

    source: str
    inputs: dict[str, str]  # data / framework / units: "bundled" or the file name
    group: str | None  # the peer group as asked (yrd27, 浙江省, all, ...); None: members
    members: tuple[str, ...]
    config: Config
    year: int | None
    build_key: str
    parts: dict[str, str]
    engine: str = "unknown"
    level: str = "city"

    # ---------------------------------------------------------------------------- JSON
    def to_dict(self) -> dict[str, Any]:
        return {
            "format": RECIPE_FORMAT,
            "version": RECIPE_VERSION,
            "engine": self.engine,
            "level": self.level,
            "source": self.source,
            "inputs": dict(self.inputs),
            "group": self.group,
            "members": list(self.members),
            "year": self.year,
            "config": self.config.to_dict(),
            "build_key": self.build_key,
            "parts": dict(self.parts),
        }

    def to_json(self) -> bytes:
        text = json.dumps(self.to_dict(), sort_keys=True, indent=2, ensure_ascii=False)
        return (text + "\n").encode("utf-8")

    def write(self, path: str | Path) -> bytes:
        payload = self.to_json()
        Path(path).write_bytes(payload)
        return payload

    @classmethod
    def from_json(cls, payload: bytes | str, source: str = "recipe.json") -> Recipe:
        """Read a recipe; every problem is a :class:`ValidationError` naming the field."""
        if isinstance(payload, bytes):
            if len(payload) > MAX_RECIPE_BYTES:
                raise _error(source, None, f"the file is larger than {MAX_RECIPE_BYTES:,} bytes")
            try:
                payload = payload.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise _error(source, None, "the file is not UTF-8 text") from None
        try:
            d = json.loads(payload)
        except json.JSONDecodeError as exc:
            raise _error(source, None, f"not valid JSON (line {exc.lineno}): {exc.msg}") from None
        if not isinstance(d, dict) or d.get("format") != RECIPE_FORMAT:
            raise _error(source, "format", f"not a recipe: 'format' must be {RECIPE_FORMAT!r}")
        if d.get("version") != RECIPE_VERSION:
            raise _error(
                source,
                "version",
                f"recipe version {d.get('version')!r} is not supported (this engine reads "
                f"version {RECIPE_VERSION})",
            )
        problems = []

        def need(key: str, kind: type | tuple, what: str) -> Any:
            value = d.get(key)
            if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
                problems.append(Problem(source, None, key, f"'{key}' must be {what}"))
                return None
            return value

        src = need("source", str, "a text")
        inputs = need("inputs", dict, "an object")
        group = d.get("group")
        if group is not None and not isinstance(group, str):
            problems.append(Problem(source, None, "group", "'group' must be a text or null"))
        members = need("members", list, "a list of unit ids")
        if members is not None and not all(isinstance(m, str) for m in members):
            problems.append(Problem(source, None, "members", "'members' must be unit ids (texts)"))
        year = d.get("year")
        if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
            problems.append(Problem(source, None, "year", "'year' must be a whole number or null"))
        key = need("build_key", str, "a text")
        parts = need("parts", dict, "an object")
        config_d = need("config", dict, "an object")
        config = None
        if config_d is not None:
            try:
                config = Config.from_dict(config_d)
            except ValidationError as exc:
                problems.extend(Problem(source, None, p.column, p.message) for p in exc.problems)
            else:
                problems.extend(
                    Problem(source, None, p.column, p.message) for p in config.validate()
                )
        if problems:
            raise ValidationError(problems)
        return cls(
            source=src,
            inputs={str(k): str(v) for k, v in inputs.items()},
            group=group,
            members=tuple(members),
            config=config,
            year=year,
            build_key=key,
            parts={str(k): str(v) for k, v in parts.items()},
            engine=str(d.get("engine", "unknown")),
            level=str(d.get("level", "city")),
        )

    @classmethod
    def read(cls, path: str | Path) -> Recipe:
        path = Path(path)
        if path.stat().st_size > MAX_RECIPE_BYTES:
            raise _error(path.name, None, f"the file is larger than {MAX_RECIPE_BYTES:,} bytes")
        return cls.from_json(path.read_bytes(), source=path.name)


def _error(source: str, column: str | None, message: str) -> ValidationError:
    return ValidationError([Problem(source, None, column, message)])


def recipe_for(
    build: Build,
    *,
    group: str | None = None,
    year: int | None = None,
    inputs: dict[str, str] | None = None,
    level: str = "city",
) -> Recipe:
    """The recipe of a build. ``group`` is the peer group as the user asked for it (kept for
    people and for the dashboard; the members are what counts), ``year`` the year shown or
    written (``None``: all), ``inputs`` where data, framework and units came from (default:
    the bundled tables)."""
    from indicators.export import engine_version

    return Recipe(
        source=build.source,
        inputs=dict(inputs or {"data": "bundled", "framework": "bundled", "units": "bundled"}),
        group=group,
        members=tuple(build.members) + tuple(build.absent),
        config=build.config,
        year=year,
        build_key=build.key,
        parts=dict(build.key_parts),
        engine=engine_version(),
        level=level,
    )


def build_from_recipe(
    recipe: Recipe,
    data: pd.DataFrame,
    framework: Framework,
    units: pd.DataFrame | None = None,
) -> Build:
    """Rebuild a recipe's build from the given inputs and check that it is the same build.

    Raises
    ------
    ValidationError
        When the inputs do not give the recipe's build: the parts that differ are named (e.g.
        "the data values"), so other data are never computed under the recipe's name.
    """
    build = Build.create(
        data,
        framework,
        recipe.config,
        members=list(recipe.members),
        units=units,
        source=recipe.source,
    )
    if build.key != recipe.build_key:
        differ = [
            _PART_NAMES.get(tag, tag)
            for tag, digest in build.key_parts.items()
            if recipe.parts.get(tag) != digest
        ]
        shown = ", ".join(differ) if differ else "the build's identity"
        raise ValidationError(
            [
                Problem(
                    "recipe",
                    None,
                    None,
                    f"the inputs do not reproduce this recipe: {shown} differ from those it was "
                    "made from (give the same data, framework and units files)",
                )
            ]
        )
    return build
