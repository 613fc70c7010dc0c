"""The black/Jinja cache only saves time: output is the same with it, without
it, and with a cache directory that cannot be used. Black runs on a user's
kind (a built-in kind's output is already black's), so that is what is cached."""

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
        assert len(list((cache_dir / "black").iterdir())) == 1
        assert list((cache_dir / "jinja").iterdir())
