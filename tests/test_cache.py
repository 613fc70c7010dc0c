"""The black/Jinja cache only saves time: output is the same with it, without
it, with a cache directory that cannot be used, and with damaged entries of
every kind (which are then rewritten). Black runs on a user's kind (a built-in
kind's output is already black's), so the layers here are of a user's kind."""

import pytest

from helpers import REPO, run_scaffold
from variants import EXAMPLE_KIND

KIND = str(REPO / EXAMPLE_KIND)


@pytest.mark.parametrize("cache", ["fresh", "warm", "off", "unusable"])
def test_generated_files_do_not_depend_on_the_cache(tmp_path, monkeypatch, cache):
    reference = tmp_path / "reference"
    reference.mkdir()
    env = {"SCAFFOLD_NO_CACHE": "1"}
    result = run_scaffold("layer", "Probe", "--kind", KIND, cwd=reference, env=env)
    assert result.returncode == 0, result.stderr

    cache_dir = tmp_path / "cache"
    if cache == "unusable":
        cache_dir.write_text("a file where the cache directory should be")
    env = {"SCAFFOLD_CACHE_DIR": str(cache_dir)}
    if cache == "off":
        env = {"SCAFFOLD_NO_CACHE": "1"}
    runs = 2 if cache == "warm" else 1
    for run in range(runs):
        out = tmp_path / f"out{run}"
        out.mkdir()
        result = run_scaffold("layer", "Probe", "--kind", KIND, cwd=out, env=env)
        assert result.returncode == 0, result.stderr
        for name in ("probe.py", "test_probe.py"):
            assert (out / name).read_text() == (reference / name).read_text()
    if cache == "warm":
        # black ran on the kind's module only: its test comes from a built-in template
        assert len(list((cache_dir / "black.1").iterdir())) == 1
        assert list((cache_dir / "jinja.1").iterdir())


def _jinja_payload(payload: bytes, what: str) -> bytes:
    """A damaged compiled template that still carries a valid cache header."""
    import marshal
    import pickle

    from jinja2.bccache import bc_magic

    if what == "not code":
        return bc_magic + payload[len(bc_magic) :][:0] + pickle.dumps("x", 2) + marshal.dumps(42)
    if what == "bad magic":
        return b"j3" + payload[2:]
    return payload[: len(payload) // 2]  # "cut bytecode"


CORRUPTIONS = {
    "empty": lambda name, raw, other: b"",
    "truncated": lambda name, raw, other: raw[: len(raw) // 2],
    "header only": lambda name, raw, other: raw.split(b"\n", 1)[0] + b"\n",
    "one byte flipped": lambda name, raw, other: raw[:-3] + bytes([raw[-3] ^ 1]) + raw[-2:],
    "another key's entry": lambda name, raw, other: other,
    "garbage": lambda name, raw, other: b"\x00\xff" * 50,
    "old format (no header)": lambda name, raw, other: raw.split(b"\n", 1)[1],
}


# Two layers of a user's kind: two modules for black, three templates for Jinja.
PROBES = {
    "probe": ("layer", "Probe", "--kind", KIND),
    "other": ("layer", "Other", "--kind", KIND, "--epsilon", "0.01"),
}
DAMAGE = [(ns, kind) for ns in ("black", "jinja") for kind in [*CORRUPTIONS, "a directory"]]
DAMAGE.append(("jinja", "valid header, damaged bytecode"))


def generate(cli, monkeypatch, directory, cache_dir):
    """The real CLI in this process, with a fresh Jinja environment (so compiled
    templates are read from the cache directory, not from memory)."""
    from scaffold.core import render

    if cache_dir is None:
        monkeypatch.setenv("SCAFFOLD_NO_CACHE", "1")
    else:
        monkeypatch.delenv("SCAFFOLD_NO_CACHE", raising=False)
        monkeypatch.setenv("SCAFFOLD_CACHE_DIR", str(cache_dir))
    render.environment.cache_clear()
    directory.mkdir()
    monkeypatch.chdir(directory)
    for args in PROBES.values():
        result = cli(*args)
        assert result.exit_code == 0, result.stderr
    render.environment.cache_clear()
    names = [name for module in PROBES for name in (f"{module}.py", f"test_{module}.py")]
    return {name: (directory / name).read_bytes() for name in names}


@pytest.mark.parametrize("namespace, corruption", DAMAGE)
def test_damaged_cache_entries_are_ignored_and_rewritten(
    cli, tmp_path, monkeypatch, namespace, corruption
):
    from scaffold.core import cache

    reference = generate(cli, monkeypatch, tmp_path / "reference", None)
    cache_dir = tmp_path / "cache"
    generate(cli, monkeypatch, tmp_path / "first", cache_dir)
    entries = sorted((cache_dir / f"{namespace}.1").iterdir())
    assert len(entries) >= 2
    raws = [entry.read_bytes() for entry in entries]
    for index, entry in enumerate(entries):
        raw, other = raws[index], raws[(index + 1) % len(raws)]
        if corruption == "a directory":
            entry.unlink()
            entry.mkdir()
        elif corruption.startswith("valid header"):
            # Passes the checksum, but is not a compiled template Jinja can run.
            damage = ["not code", "bad magic", "cut"][index % 3]
            content = _jinja_payload(raw.split(b"\n", 1)[1], damage)
            entry.write_bytes(cache._header(entry.name, content) + b"\n" + content)
        else:
            entry.write_bytes(CORRUPTIONS[corruption](entry.name, raw, other))

    assert generate(cli, monkeypatch, tmp_path / "out", cache_dir) == reference
    if corruption != "a directory":  # a directory in the way is only ignored
        for entry, raw in zip(entries, raws):
            assert sound(namespace, entry, raw), f"{entry.name} was not rewritten"


def sound(namespace, entry, original: bytes) -> bool:
    """The entry is whole again: black's the same text as before; Jinja's a
    compiled template as Jinja reads it (magic, source checksum, code object;
    recompiling need not give the same bytes)."""
    import io
    import marshal
    import pickle
    import types

    from jinja2.bccache import bc_magic

    from scaffold.core import cache

    header, _, content = entry.read_bytes().partition(b"\n")
    if header != cache._header(entry.name, content):
        return False
    if namespace == "black":
        return header + b"\n" + content == original
    stream = io.BytesIO(content)
    if stream.read(len(bc_magic)) != bc_magic:
        return False
    pickle.load(stream)  # the template source's checksum
    return isinstance(marshal.load(stream), types.CodeType)
