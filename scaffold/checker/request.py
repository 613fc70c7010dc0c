"""What `scaffold check` was asked to do, parsed and validated before any Keras import.

The child process gets the request as JSON and parses values with the same
functions, so a value means the same thing on both sides.
"""

from __future__ import annotations

import ast
import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..core.errors import UsageProblem

BACKENDS = ("tensorflow", "jax", "torch")
INSTALL = {
    "tensorflow": "pip install 'scaffold-keras[tensorflow]'",
    "jax": "pip install jax",
    "torch": "pip install torch",
}
DTYPES = (
    "float16",
    "bfloat16",
    "float32",
    "float64",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "bool",
)
DEFAULT_TIMEOUT = 300.0

# What a --config table may hold for one layer class.
CONFIG_KEYS = ("args", "input_shape", "input_dtype", "input_range", "call_args", "inputs_as")


@dataclass
class Request:
    targets: list[str]
    arguments: dict[str, Any] = field(default_factory=dict)
    input_shapes: list[list[int]] = field(default_factory=list)
    input_dtype: str | None = None
    input_range: list[float] | None = None
    call_arguments: dict[str, Any] = field(default_factory=dict)
    config: dict[str, dict[str, Any]] = field(default_factory=dict)
    backend: str = "tensorflow"
    timeout: float = DEFAULT_TIMEOUT
    cwd: str = ""
    skip: list[str] = field(default_factory=list)  # layers already reported

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> "Request":
        return cls(**json.loads(text))


def parse_value(text: str) -> Any:
    """A Python literal, else JSON (true, null), else the text itself (relu, Dense(8))."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        pass
    try:
        return json.loads(text)
    except ValueError:
        return text


def parse_pairs(pairs: tuple[str, ...], option: str) -> dict[str, Any]:
    values = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key.isidentifier():
            raise UsageProblem(f"{option} {pair!r} is not KEY=VALUE with KEY a Python name")
        values[key] = _jsonable(parse_value(value), f"{option} {key}")
    return values


def _jsonable(value: Any, where: str) -> Any:
    """Values travel to the child as JSON: tuples become lists, sets are refused."""
    try:
        return json.loads(json.dumps(value))
    except (TypeError, ValueError):
        raise UsageProblem(
            f"{where}: {value!r} cannot be passed on; use numbers, strings, lists or dicts"
        ) from None


def parse_shape(text: str, option: str = "--input-shape") -> list[int]:
    try:
        shape = [int(part) for part in text.split(",")]
    except ValueError:
        shape = []
    if len(shape) < 2 or any(n < 1 for n in shape):
        raise UsageProblem(
            f"{option} {text!r} must be positive integers BATCH,...,FEATURES, e.g. 4,8,8,3"
        )
    return shape


def parse_range(text: str | None) -> list[float] | None:
    if text is None:
        return None
    parts = text.split(",")
    try:
        low, high = (float(p) for p in parts)
    except ValueError:
        low = high = 0.0
    if len(parts) != 2 or not low < high:
        raise UsageProblem(f"--input-range {text!r} must be LOW,HIGH with LOW < HIGH, e.g. 0,1000")
    return [int(v) if float(v).is_integer() else v for v in (low, high)]


def check_dtype(dtype: str | None, where: str = "--input-dtype") -> str | None:
    if dtype is not None and dtype not in DTYPES:
        raise UsageProblem(f"{where} {dtype!r} is not one of: {', '.join(DTYPES)}")
    return dtype


def _installed(package: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(package) is not None


def resolve_backend(name: str | None) -> str:
    """--backend, else KERAS_BACKEND, else tensorflow; refused unless installed."""
    backend = name or os.environ.get("KERAS_BACKEND") or "tensorflow"
    if backend not in BACKENDS:
        raise UsageProblem(f"backend {backend!r} is not one of: {', '.join(BACKENDS)}")
    if not _installed(backend):
        raise UsageProblem(
            f"the {backend} backend is not installed; install it with: {INSTALL[backend]}"
        )
    return backend


def load_config(path: Path | None) -> dict[str, dict[str, Any]]:
    """{ClassName: {args, input_shape, input_dtype, input_range, call_args, inputs_as}}."""
    if path is None:
        return {}
    where = f"--config {path}"
    if not path.is_file():
        raise UsageProblem(f"{where}: no such file")
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as error:
        raise UsageProblem(f"{where}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise UsageProblem(f"{where} is not UTF-8 text") from None
    try:
        if path.suffix == ".toml":
            try:
                import tomllib
            except ModuleNotFoundError:  # Python 3.10
                import tomli as tomllib

            data = tomllib.loads(text)
        else:
            data = json.loads(text)
    except ValueError as error:
        kind = "TOML" if path.suffix == ".toml" else "JSON"
        reason = " ".join(str(error).split())
        raise UsageProblem(f"{where} is not valid {kind}: {reason}") from None
    except RecursionError:  # both parsers recurse once per nested array or table
        raise UsageProblem(f"{where}: nests arrays or tables too deeply") from None
    if not isinstance(data, dict):
        raise UsageProblem(f"{where}: expected a table per layer class name at the top level")
    return {name: _layer_config(name, table, where) for name, table in data.items()}


def _layer_config(name: str, table: Any, where: str) -> dict[str, Any]:
    at = f"{where} [{name}]"
    if not isinstance(table, dict):
        raise UsageProblem(f"{at} must be a table of {', '.join(CONFIG_KEYS)}")
    unknown = sorted(set(table) - set(CONFIG_KEYS))
    if unknown:
        raise UsageProblem(
            f"{at}: unknown key(s) {', '.join(unknown)}; use {', '.join(CONFIG_KEYS)}"
        )
    config = dict(table)
    for key in ("args", "call_args"):
        if key in config and not isinstance(config[key], dict):
            raise UsageProblem(
                f"{at} {key} must be a table of NAME = VALUE, got {type(config[key]).__name__}"
            )
        if key in config:
            config[key] = _jsonable(config[key], f"{at} {key}")
    if "input_shape" in config:
        config["input_shape"] = _config_shapes(config["input_shape"], at)
    if "input_dtype" in config:
        check_dtype(config["input_dtype"], f"{at} input_dtype")
    if "input_range" in config:
        value = config["input_range"]
        if not (
            isinstance(value, list)
            and len(value) == 2
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
            and value[0] < value[1]
        ):
            raise UsageProblem(f"{at} input_range must be [LOW, HIGH] with LOW < HIGH")
    if config.get("inputs_as", "list") not in ("list", "args"):
        raise UsageProblem(f'{at} inputs_as must be "list" or "args"')
    return config


def _config_shapes(value: Any, at: str) -> list[list[int]]:
    """One shape [4, 16] or several [[4, 16], [4, 8]], batch included."""

    def shape(item) -> list[int] | None:
        if isinstance(item, list) and len(item) >= 2:
            if all(isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in item):
                return item
        return None

    if shape(value) is not None:
        return [value]
    if isinstance(value, list) and value and all(shape(item) is not None for item in value):
        return value
    raise UsageProblem(
        f"{at} input_shape must be a list of positive integers with the batch first, such as "
        "[4, 16], or a list of such lists for several inputs"
    )


_TARGET = re.compile(r"^[^:]+(:[A-Za-z_][A-Za-z0-9_]*)?$")


def check_targets(targets: tuple[str, ...]) -> list[str]:
    for target in targets:
        if not _TARGET.match(target):
            raise UsageProblem(
                f"TARGET {target!r} is not module, module:ClassName, file.py or file.py:ClassName"
            )
        path = target.partition(":")[0]
        if path.endswith(".py") and not Path(path).is_file():
            raise UsageProblem(f"{path}: no such file")
    return list(targets)
