"""Two runs at once on the same target: they are serialized by the directory
locks, and each sees the other's files (conflict checks run under the lock).

SCAFFOLD_CONCURRENT_PAIRS=N runs N pairs of each instead of the default."""

from __future__ import annotations

import os
import shutil

from helpers import run_scaffold, scaffold_process, tree_state

PAIRS = int(os.environ.get("SCAFFOLD_CONCURRENT_PAIRS", "0"))


def run_pair(cwd, first, second):
    """Start two runs together; their (exit code, stdout, stderr)."""
    processes = [scaffold_process(*args, cwd=cwd) for args in (first, second)]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        results.append((process.returncode, out, err))
    return results


def reference(tmp_path, name, setup, *runs):
    directory = tmp_path / name
    directory.mkdir()
    setup(directory)
    for args in runs:
        result = run_scaffold(*args, cwd=directory)
        assert result.returncode == 0, result.stderr
    return tree_state(directory)


def package(work):
    (work / "pkg").mkdir()
    (work / "pkg" / "__init__.py").write_text('"""Layers."""\n\n__all__ = [\n]\n')


def test_two_layers_into_one_package_both_register(tmp_path):
    first = ["layer", "Alpha", "-o", "pkg"]
    second = ["layer", "Beta", "--kind", "dense", "-o", "pkg"]
    # Either order gives the same files, but __init__.py lists them in run order.
    expected = [
        reference(tmp_path, "ab", package, first, second),
        reference(tmp_path, "ba", package, second, first),
    ]
    work = tmp_path / "work"
    for _ in range(PAIRS or 10):
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()
        package(work)
        results = run_pair(work, first, second)
        assert [code for code, _, _ in results] == [0, 0], results
        assert tree_state(work) in expected


def test_one_layer_two_kinds_without_force_exactly_one_wins(tmp_path):
    dense = ["layer", "Gate", "--kind", "dense"]
    conv = ["layer", "Gate", "--kind", "conv2d"]
    expected = [reference(tmp_path, "dense", lambda d: None, dense)]
    expected.append(reference(tmp_path, "conv", lambda d: None, conv))
    work = tmp_path / "work"
    for _ in range(PAIRS or 10):
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()
        results = run_pair(work, dense, conv)
        codes = sorted(code for code, _, _ in results)
        assert codes == [0, 1], results
        [(_, _, err)] = [r for r in results if r[0] == 1]
        assert "differ from what would be generated" in err and len(err.splitlines()) == 1
        assert tree_state(work) in expected  # module and test from the same run


def test_two_new_projects_in_one_directory_exactly_one_is_made(tmp_path):
    custom = ["lenet", "proj"]
    builtin = ["lenet", "proj", "--style", "builtin"]
    expected = [
        reference(tmp_path, "custom", lambda d: None, custom),
        reference(tmp_path, "builtin", lambda d: None, builtin),
    ]
    work = tmp_path / "work"
    outcomes = {}
    for index in range(PAIRS or 6):
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()
        # Same options, or different ones: one project, whole, from one run.
        pair = (custom, custom) if index % 2 else (custom, builtin)
        results = run_pair(work, *pair)
        assert tree_state(work) in expected
        winners = [r for r in results if r[0] == 0 and "create" in r[1]]
        assert len(winners) == 1, results
        [other] = [r for r in results if r is not winners[0]]
        code, out, err = other
        if code == 0:  # it started after the first had finished: nothing to do
            assert pair[0] == pair[1] and "create" not in out
        else:
            assert code == 1 and len(err.splitlines()) == 1, other
            assert "was created by another run" in err or "differ" in err, err
        outcomes[err.strip()[:60] or "identical"] = (
            outcomes.get(err.strip()[:60] or "identical", 0) + 1
        )
    print("the second of two scaffold lenet runs:", outcomes)
