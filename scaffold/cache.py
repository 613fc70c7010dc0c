"""A small on-disk cache for work whose result depends only on its input.

Used for black's output (keyed by black's version and the exact source) and
for Jinja's compiled templates. It is best-effort: any error reading or writing
it is ignored and the work is simply done again. Location: $SCAFFOLD_CACHE_DIR,
else $XDG_CACHE_HOME/scaffold, else ~/.cache/scaffold; SCAFFOLD_NO_CACHE=1
turns it off.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


def cache_dir() -> Path | None:
    if os.environ.get("SCAFFOLD_NO_CACHE"):
        return None
    if os.environ.get("SCAFFOLD_CACHE_DIR"):
        return Path(os.environ["SCAFFOLD_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "scaffold"


def key(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def get(namespace: str, name: str) -> str | None:
    root = cache_dir()
    if root is None:
        return None
    try:
        return (root / namespace / name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def put(namespace: str, name: str, text: str) -> None:
    root = cache_dir()
    if root is None:
        return
    try:
        directory = root / namespace
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, directory / name)
    except OSError:
        pass
