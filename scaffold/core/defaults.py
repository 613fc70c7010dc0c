"""Defaults from `[tool.scaffold]`: the project's own values for command-line options.

A key is an option's flag without its dashes (`output-dir`, `weights-in`,
`units`). Options given on the command line win; `--help` shows each default
the table sets, and the file it comes from. The kind options (`units`,
`filters`...) are not Click defaults: a value applies only when the chosen kind
takes that option, so `units = 64` does not trouble a kind without units.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import click

from .config import KEYS, ToolConfig, load_tool_config

PARAM_KEYS = {"placement": "weights-in"}  # Click parameter name -> key, where they differ
PROJECT_KEYS = frozenset({"weights-in", "weight-api", "style"})  # the keys `scaffold lenet` takes
_DEFAULT = re.compile(r"\s*\[default: [^\]]*\]\s*$")


def key_of(param_name: str) -> str:
    return PARAM_KEYS.get(param_name, param_name.replace("_", "-"))


def tool_config(ctx: click.Context) -> ToolConfig | None:
    """The `[tool.scaffold]` table around the current directory, read once per run."""
    if "scaffold.core.config" not in ctx.meta:
        ctx.meta["scaffold.core.config"] = load_tool_config()
    return ctx.meta["scaffold.core.config"]


def value(config: ToolConfig, key: str) -> Any:
    """A key's value as a command-line option takes it (paths made absolute)."""
    from ..kinds.registry import looks_like_path

    found = config.value(key)
    if key == "kind" and looks_like_path(found):
        return str(config.path.parent / found)
    return str(found) if isinstance(found, Path) else found


def _shown(raw: Any) -> str:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    return str(raw)


class DefaultsCommand(click.Command):
    """A command whose options take their defaults from `[tool.scaffold]`."""

    takes: frozenset[str] | None = None  # the keys that apply; None: every key but `style`

    def applies(self, key: str) -> bool:
        if key == "kinds":
            return False
        return key in self.takes if self.takes is not None else key != "style"

    def get_params(self, ctx):
        return self.with_defaults(ctx, super().get_params(ctx))

    def with_defaults(self, ctx, params: list) -> list:
        """`params` with the defaults `[tool.scaffold]` sets, and help that says so."""
        config = tool_config(ctx)
        if config is None:
            return params
        changed = []
        for param in params:
            key = key_of(param.name or "")
            if isinstance(param, click.Option) and key in config.values and self.applies(key):
                param = copy.copy(param)
                if key in KEYS:  # a kind option's value is applied per kind
                    param.default = value(config, key)
                help_text = _DEFAULT.sub("", param.help or "")
                param.help = (
                    f"{help_text} [default: {_shown(config.values[key])}, from {config.path}]"
                )
                param.show_default = False
            changed.append(param)
        return changed


def kind_defaults(ctx: click.Context, kind, given: dict[str, Any]) -> dict[str, Any]:
    """`given` (kind options from the command line, None: not given) with the
    values `[tool.scaffold]` sets for the options `kind` takes."""
    from .errors import UsageProblem

    config = tool_config(ctx)
    if config is None:
        return given
    filled = dict(given)
    for name, option in kind.spec.options.items():
        key = key_of(name)
        if filled.get(name) is None and key in config.values:
            try:
                option.check(config.values[key])
            except UsageProblem as problem:
                raise config.fail(key, str(problem)) from None
            filled[name] = config.values[key]
    return filled


def default_kind(ctx: click.Context, fallback: str) -> str:
    config = tool_config(ctx)
    return value(config, "kind") if config is not None and "kind" in config.values else fallback
