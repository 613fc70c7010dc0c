"""A small on-disk cache for work whose result depends only on its input.

Used for black's output (keyed by black's version and the exact source) and
for Jinja's compiled templates. Nothing in it is trusted: every entry starts
with a header holding a checksum of its key and of its content and the
content's length, and an entry that does not match (empty, truncated, altered,
copied from another key, unreadable) is ignored, then rewritten by the work
done again. Any error reading or writing the cache is ignored the same way, so
output is always exactly what the work gives without a cache.

Location: $SCAFFOLD_CACHE_DIR, else $XDG_CACHE_HOME/scaffold, else
~/.cache/scaffold; SCAFFOLD_NO_CACHE=1 turns it off.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

MAGIC = b"scaffold-cache 1"
# Entries live in "<namespace>.1/": earlier versions of scaffold, which read
# "<namespace>/" without any check, never see entries in this format.
LAYOUT = ".1"


def cache_dir() -> Path | None:
    if os.environ.get("SCAFFOLD_NO_CACHE"):
        return None
    if os.environ.get("SCAFFOLD_CACHE_DIR"):
        return Path(os.environ["SCAFFOLD_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # the XDG spec: a relative path is invalid, ignore it
        base = os.path.join(os.path.expanduser("~"), ".cache")
        if not os.path.isabs(base):  # no home: better no cache than one in the user's tree
            return None
    return Path(base) / "scaffold"


def key(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def _header(name: str, content: bytes) -> bytes:
    return b" ".join(
        [
            MAGIC,
            hashlib.sha256(name.encode("utf-8")).hexdigest().encode(),
            hashlib.sha256(content).hexdigest().encode(),
            str(len(content)).encode(),
        ]
    )


def get_bytes(namespace: str, name: str) -> bytes | None:
    """The entry's content if it is intact, else None."""
    root = cache_dir()
    if root is None:
        return None
    try:
        raw = (root / (namespace + LAYOUT) / name).read_bytes()
    except (OSError, ValueError):
        return None
    header, newline, content = raw.partition(b"\n")
    if not newline or header != _header(name, content):
        return None
    return content


def put_bytes(namespace: str, name: str, content: bytes) -> None:
    root = cache_dir()
    if root is None:
        return
    tmp = None
    try:
        directory = root / (namespace + LAYOUT)
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(_header(name, content) + b"\n" + content)
        os.replace(tmp, directory / name)
    except OSError:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def get(namespace: str, name: str) -> str | None:
    content = get_bytes(namespace, name)
    if content is None:
        return None
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return None


def put(namespace: str, name: str, text: str) -> None:
    put_bytes(namespace, name, text.encode("utf-8"))
