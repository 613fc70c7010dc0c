"""Runs stopped at random moments: by Ctrl-C (once, or twice in a row), by
SIGTERM or SIGHUP, or killed outright (SIGKILL). Whatever the moment, the tree is either
the one before the run or the complete new one, never a part; after a SIGKILL
the next run rolls back or keeps what the killed one did, whole, and leaves no
hidden file behind.

The loops are short so the suite stays fast; SCAFFOLD_KILL_LOOPS=N runs N
iterations of each instead (e.g. 200, by hand)."""

from __future__ import annotations

import os
import random
import shutil
import signal
import time
from pathlib import Path

from helpers import run_scaffold, scaffold_process, tree_state

LOOPS = int(os.environ.get("SCAFFOLD_KILL_LOOPS", "0"))
STOPS = ("SIGINT", "SIGINT twice", "SIGTERM", "SIGHUP", "SIGKILL")


def python_startup_traceback(err: str) -> bool:
    """Python prints its own traceback when Ctrl-C lands while it is still
    starting (importing `site` or `runpy`, before any scaffold code runs): the
    one window scaffold cannot reach. Counted; the tree must still be intact."""
    return "Traceback" in err and f"scaffold{os.sep}" not in err


def stop(process, how: str) -> None:
    if how == "SIGKILL":
        process.kill()
    elif how in ("SIGTERM", "SIGHUP"):  # SIGHUP: the terminal or ssh session went away
        process.send_signal(getattr(signal, how))
    else:
        process.send_signal(signal.SIGINT)
        if how == "SIGINT twice":
            time.sleep(random.uniform(0, 0.01))
            process.send_signal(signal.SIGINT)


def hidden_leftovers(root: Path) -> list[str]:
    """scaffold's temporary files; its records (.scaffold.toml, .scaffold/) are not."""
    return [str(p.relative_to(root)) for p in root.rglob(".scaffold*") if temporary(p.name)]


def check_the_stopped_run(process, how: str, outcomes: dict) -> None:
    """One line at most, no traceback, exit 130 (or a run that finished first)."""
    out, err = process.communicate(timeout=120)
    if python_startup_traceback(err):
        outcomes["python's own start-up traceback"] = (
            outcomes.get("python's own start-up traceback", 0) + 1
        )
        return
    code = process.returncode
    outcomes[code] = outcomes.get(code, 0) + 1
    if how == "SIGKILL":
        return
    assert "Traceback" not in err, err
    assert len(err.strip().splitlines()) <= 1, err
    # 0: it finished first; 130: interrupted; -2/-15/-1: the signal came before
    # Python installed its handlers (the default action ends the process).
    assert code in (0, 130, -signal.SIGINT, -signal.SIGTERM, -signal.SIGHUP), (code, err)
    if code == 130:
        assert err.strip() == "scaffold: interrupted" or "rolled back" in err, err


RECORDS = (".scaffold", ".scaffold.toml")  # a generation's record: part of the tree


def temporary(part: str) -> bool:
    """scaffold's journal, unfinished trees and temporary files."""
    return part.startswith(".scaffold") and part not in RECORDS


def visible(state: dict) -> dict:
    """The state without scaffold's hidden journal and unfinished trees."""
    return {k: v for k, v in state.items() if not any(temporary(p) for p in Path(k).parts)}


def loop(tmp_path, setup, args, iterations, new_tree: bool, next_args=None) -> dict:
    """Stop `scaffold ARGS` at random moments; check the tree after each stop and
    after a rerun. `setup(work)` lays out the tree before each run. A new tree
    (`new_tree`) appears by one rename, so even SIGKILL leaves the old tree or
    the new one (and, until the next run, a hidden unfinished copy). After a
    SIGKILL, `next_args` (default: ARGS again) runs next: it must find the tree
    as the killed run left it rolled back or finished, whole."""
    next_args = next_args or args
    reference = tmp_path / "reference"
    reference.mkdir()
    setup(reference)
    old = tree_state(reference)
    result = run_scaffold(*args, cwd=reference)
    assert result.returncode == 0, result.stderr
    new = tree_state(reference)
    # What the next run gives after the old tree, and after the new one.
    after_next = []
    for base, run_first in (("after-old", False), ("after-new", True)):
        directory = tmp_path / base
        directory.mkdir()
        setup(directory)
        if run_first:
            assert run_scaffold(*args, cwd=directory).returncode == 0
        assert run_scaffold(*next_args, cwd=directory).returncode == 0
        after_next.append(tree_state(directory))
    work = tmp_path / "work"
    work.mkdir()
    setup(work)
    started = time.monotonic()  # a warm run (caches filled): how long one run takes
    assert run_scaffold(*args, cwd=work).returncode == 0
    duration = time.monotonic() - started
    outcomes: dict = {}
    for index in range(iterations):
        how = STOPS[index // 2 % len(STOPS)]
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()
        setup(work)
        process = scaffold_process(*args, cwd=work)
        if index % 2:  # anywhere in the run
            time.sleep(random.uniform(0, duration))
        else:  # while it writes: from the moment its journal or hidden tree appears
            deadline = time.monotonic() + 3 * duration
            while not list(work.glob(".scaffold*")) and time.monotonic() < deadline:
                if process.poll() is not None:
                    break
            time.sleep(random.uniform(0, 0.02))
        stop(process, how)
        check_the_stopped_run(process, how, outcomes)
        state = tree_state(work)
        if how != "SIGKILL":
            assert state in (old, new), f"{how}: a partial tree {sorted(state)}"
            continue
        if new_tree:
            assert visible(state) in (old, new), f"{how}: a partial tree {sorted(state)}"
        # Killed outright: the next run finishes the business and does its own.
        rerun = run_scaffold(*next_args, cwd=work)
        assert rerun.returncode == 0, rerun.stderr
        assert (
            tree_state(work) in after_next
        ), f"{how}: the next run left {sorted(tree_state(work))}"
        assert hidden_leftovers(work) == []
        rolled_back = "was rolled back" in rerun.stderr or "unfinished" in rerun.stderr
        outcomes["next run rolled back"] = outcomes.get("next run rolled back", 0) + rolled_back
    return outcomes


def test_interrupted_lenet_leaves_no_partial_project(tmp_path):
    outcomes = loop(tmp_path, lambda work: None, ["lenet", "proj"], LOOPS or 12, new_tree=True)
    print("scaffold lenet, outcomes by exit code:", outcomes)


def test_interrupted_layer_into_a_package_leaves_no_partial_edit(tmp_path):
    def setup(work):
        package = work / "pkg"
        package.mkdir()
        (package / "__init__.py").write_bytes(
            b'"""User package."""\r\n\r\nfrom .old import Old\r\n\r\n__all__ = [\r\n    "Old",\r\n]\r\n'
        )
        (package / "old.py").write_text("class Old:\n    pass\n")
        (work / "tests").mkdir()
        (work / "tests" / "test_old.py").write_text("def test_old():\n    pass\n")

    args = ["layer", "Gate", "--kind", "dense", "--units", "4", "-o", "pkg", "--force"]
    next_args = ["layer", "Other", "-o", "pkg"]
    outcomes = loop(tmp_path, setup, args, LOOPS or 24, new_tree=False, next_args=next_args)
    print("scaffold layer into a package, outcomes by exit code:", outcomes)


def _package_with_a_layer(work, kind_version: int = 1):
    """A package holding a generated layer of the user's kind `stamp`, the kind at
    `kind_version` (version 2 changes a method the user did not edit)."""
    from test_lifecycle import CALL, EDITED_CALL, replace, stamp_kind

    (work / "pkg").mkdir()
    (work / "pkg" / "__init__.py").write_bytes(b'"""User package."""\r\n\r\nVERSION = 1\r\n')
    stamp_kind(work / "kinds" / "stamp", 1)
    result = run_scaffold("layer", "Stamp", "--kind", "./kinds/stamp", "-o", "pkg", cwd=work)
    assert result.returncode == 0, result.stderr
    replace(work / "pkg" / "stamp.py", CALL, EDITED_CALL)
    stamp_kind(work / "kinds" / "stamp", kind_version)


def test_interrupted_update_leaves_the_files_as_before_or_updated(tmp_path):
    outcomes = loop(
        tmp_path,
        lambda work: _package_with_a_layer(work, kind_version=2),
        ["update", "pkg"],
        LOOPS or 10,  # two of each stop
        new_tree=False,
        next_args=["layer", "Other", "-o", "pkg"],
    )
    print("scaffold update, outcomes by exit code:", outcomes)


def test_interrupted_destroy_leaves_the_layer_or_nothing(tmp_path):
    outcomes = loop(
        tmp_path,
        _package_with_a_layer,
        ["destroy", "Stamp", "-o", "pkg", "--force"],
        LOOPS or 10,  # two of each stop
        new_tree=False,
        next_args=["layer", "Other", "-o", "pkg"],
    )
    print("scaffold destroy, outcomes by exit code:", outcomes)
