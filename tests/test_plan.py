import errno
import os

import pytest

from scaffold.core import journal
from scaffold.core import plan as plan_module
from scaffold.core.errors import ScaffoldError
from scaffold.core.plan import Plan, Status, ensure_directory_target

from helpers import tree_state


def make_plan(root, files):
    plan = Plan(root)
    for relative, text in files.items():
        plan.add(root / relative, text)
    return plan


def test_statuses_against_the_disk(tmp_path):
    (tmp_path / "same.py").write_text("x = 1\n")
    (tmp_path / "differs.py").write_text("x = 2\n")
    plan = make_plan(tmp_path, {"new.py": "x = 1\n", "same.py": "x = 1\n", "differs.py": "x = 1\n"})
    assert [s for _, s in plan.statuses(force=False)] == [
        Status.CREATE,
        Status.IDENTICAL,
        Status.CONFLICT,
    ]
    assert [s for _, s in plan.statuses(force=True)][2] is Status.OVERWRITE


def test_a_conflict_refuses_the_whole_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "differs.py").write_text("mine = True\n")
    before = tree_state(tmp_path)
    plan = make_plan(tmp_path, {"a/new.py": "x = 1\n", "differs.py": "x = 1\n"})
    with pytest.raises(ScaffoldError, match="differ from what would be generated: differs.py"):
        plan.commit(force=False)
    assert tree_state(tmp_path) == before
    assert not (tmp_path / "a").exists()


def test_force_overwrites_and_identical_files_are_not_touched(tmp_path):
    (tmp_path / "differs.py").write_text("mine = True\n")
    (tmp_path / "same.py").write_text("x = 1\n")
    os.utime(tmp_path / "same.py", (1, 1))
    plan = make_plan(tmp_path, {"differs.py": "x = 1\n", "same.py": "x = 1\n"})
    plan.commit(force=True)
    assert (tmp_path / "differs.py").read_text() == "x = 1\n"
    assert (tmp_path / "same.py").stat().st_mtime == 1


def test_overwrite_keeps_the_file_mode(tmp_path):
    target = tmp_path / "run.py"
    target.write_text("old\n")
    target.chmod(0o750)
    make_plan(tmp_path, {"run.py": "new\n"}).commit(force=True)
    assert target.stat().st_mode & 0o777 == 0o750


def test_describe_shows_code_for_new_files_and_a_diff_for_changed_ones(tmp_path):
    (tmp_path / "differs.py").write_text("x = 2\n")
    plan = make_plan(tmp_path, {"new.py": "y = 1\n", "differs.py": "x = 1\n"})
    report = plan.describe(plan.statuses(force=False))
    assert "   create  " in report and "| y = 1" in report
    assert " conflict  " in report and "| -x = 2" in report and "| +x = 1" in report


@pytest.mark.parametrize("failing_call", [1, 2, 3])
@pytest.mark.parametrize("error", [errno.ENOSPC, errno.EACCES])
def test_a_failure_part_way_restores_the_tree(tmp_path, monkeypatch, failing_call, error):
    (tmp_path / "b.py").write_text("user = 1\n")
    before = tree_state(tmp_path)
    real_replace = os.replace
    calls = {"n": 0}

    def flaky_replace(src, dst):
        calls["n"] += 1
        if calls["n"] == failing_call:
            raise OSError(error, os.strerror(error))
        real_replace(src, dst)

    monkeypatch.setattr(plan_module.os, "replace", flaky_replace)
    plan = make_plan(tmp_path, {"a.py": "a\n", "b.py": "b\n", "sub/c.py": "c\n"})
    with pytest.raises(ScaffoldError, match="nothing was changed"):
        plan.commit(force=True)
    monkeypatch.setattr(plan_module.os, "replace", real_replace)
    assert tree_state(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.py"]  # no temporaries, no sub/


def test_writing_through_a_symlink_is_refused(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "root"
    root.mkdir()
    (root / "link").symlink_to(outside)
    plan = make_plan(root, {"link/x.py": "x\n"})
    with pytest.raises(ScaffoldError, match="symlink"):
        plan.commit(force=True)
    assert list(outside.iterdir()) == []


def test_paths_outside_the_root_are_refused(tmp_path):
    plan = Plan(tmp_path / "root")
    plan.add(tmp_path / "elsewhere.py", "x\n")
    with pytest.raises(ScaffoldError, match="outside"):
        plan.commit(force=True)


def test_the_same_file_cannot_be_staged_twice(tmp_path):
    plan = make_plan(tmp_path, {"a.py": "x\n"})
    with pytest.raises(ScaffoldError, match="twice"):
        plan.add(tmp_path / "a.py", "y\n")


def test_edit_stages_changes_to_one_file_in_turn(tmp_path):
    (tmp_path / "__init__.py").write_text("a = 1\n")
    plan = Plan(tmp_path)
    plan.edit(tmp_path / "__init__.py", lambda s: s + b"b = 2\n")
    plan.edit(tmp_path / "__init__.py", lambda s: s + b"c = 3\n")
    [(planned, status)] = plan.statuses(force=False)
    assert status is Status.UPDATE
    assert planned.data == b"a = 1\nb = 2\nc = 3\n"


def test_output_directory_checks(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(ScaffoldError, match="is a file"):
        ensure_directory_target(tmp_path / "file", "output directory")
    with pytest.raises(ScaffoldError, match="is not a directory"):
        ensure_directory_target(tmp_path / "file" / "sub", "output directory")
    with pytest.raises(ScaffoldError, match="parent .* does not exist"):
        ensure_directory_target(tmp_path / "new" / "deeper", "output directory")
    assert ensure_directory_target(tmp_path / "new", "output directory").is_absolute()


@pytest.mark.parametrize("exception", [RuntimeError("boom"), KeyboardInterrupt()])
def test_an_exception_between_files_restores_the_tree_and_propagates(
    tmp_path, monkeypatch, exception
):
    (tmp_path / "b.py").write_text("user = 1\n")
    before = tree_state(tmp_path)
    raise_on_third_write(monkeypatch, exception)
    plan = make_plan(tmp_path, {"a.py": "a\n", "b.py": "b\n", "sub/c.py": "c\n"})
    with pytest.raises(type(exception)):
        plan.commit(force=True)
    monkeypatch.undo()
    assert tree_state(tmp_path) == before  # files, directories, no temporary left


def raise_on_third_write(monkeypatch, exception) -> None:
    """The commit's third file write raises: after a.py was created, b.py
    replaced and sub/ made."""
    real_write = journal.write_file
    calls = {"n": 0}

    def failing_write(*args):
        calls["n"] += 1
        if calls["n"] == 3:
            raise exception
        real_write(*args)

    monkeypatch.setattr(journal, "write_file", failing_write)


class Died(BaseException):
    """Stands for a SIGKILL: nothing after it runs, no clean-up."""


def test_the_next_run_rolls_back_a_run_that_died_mid_commit(tmp_path, monkeypatch):
    (tmp_path / "b.py").write_text("user = 1\n")
    before = tree_state(tmp_path)
    raise_on_third_write(monkeypatch, Died())
    monkeypatch.setattr(journal, "rollback", lambda *args: (0, 0))  # a dead run undoes nothing
    monkeypatch.setattr(journal, "_remove", lambda path: None)  # ... nor removes its journal
    with pytest.raises(Died):
        make_plan(tmp_path, {"a.py": "a\n", "b.py": "b\n", "sub/c.py": "c\n"}).commit(force=True)
    monkeypatch.undo()
    assert (tmp_path / ".scaffold-journal").exists() and (tmp_path / "a.py").exists()

    plan = make_plan(tmp_path, {"d.py": "d\n"})
    plan.commit(force=False)
    assert [n for n in plan.notes if "was rolled back: 1 file(s) restored" in n]
    assert tree_state(tmp_path) == {**before, "d.py": b"d\n"}


def test_rollback_leaves_files_that_are_no_longer_the_runs_own(tmp_path, monkeypatch):
    """A file the run created but someone changed since is not deleted."""
    real_write = journal.write_file

    def write_then_die(path, data, tmp, mode=None):
        real_write(path, data, tmp, mode)
        path.write_text("changed by the user since\n")
        raise Died

    monkeypatch.setattr(journal, "write_file", write_then_die)
    monkeypatch.setattr(journal, "_remove", lambda path: None)
    monkeypatch.setattr(journal, "rollback", lambda *args: (0, 0))
    with pytest.raises(Died):
        make_plan(tmp_path, {"a.py": "a\n"}).commit(force=True)
    monkeypatch.undo()
    make_plan(tmp_path, {"d.py": "d\n"}).commit(force=False)
    assert (tmp_path / "a.py").read_text() == "changed by the user since\n"
    assert not (tmp_path / ".scaffold-journal").exists()


def test_an_unfinished_new_tree_is_removed_by_the_next_run(tmp_path, monkeypatch):
    real_rename = os.rename

    def die_before_rename(src, dst):
        raise Died

    monkeypatch.setattr(journal.os, "rename", die_before_rename)
    monkeypatch.setattr(journal.shutil, "rmtree", lambda *a, **k: None)  # a dead run cleans nothing
    with pytest.raises(Died):
        make_plan(tmp_path / "proj", {"a.py": "a\n"}).commit(force=False)
    monkeypatch.undo()
    assert os.rename is real_rename
    assert [p.name for p in tmp_path.iterdir()][0].startswith(".scaffold-new-")
    plan = make_plan(tmp_path / "proj", {"b.py": "b\n"})
    plan.commit(force=False)
    assert [n for n in plan.notes if "unfinished" in n]
    assert tree_state(tmp_path) == {"proj": "directory", "proj/b.py": b"b\n"}


def test_a_lock_held_by_another_run_is_waited_for_then_refused(tmp_path, monkeypatch):
    from scaffold.core import locks

    monkeypatch.setenv("SCAFFOLD_LOCK_TIMEOUT", "0.2")
    with locks.held([tmp_path]):
        # another process: flock locks belong to an open file, so a second
        # open in this process stands for it
        with pytest.raises(ScaffoldError, match="another scaffold run is writing to"):
            make_plan(tmp_path, {"a.py": "a\n"}).commit(force=False)
    assert not (tmp_path / "a.py").exists()
    make_plan(tmp_path, {"a.py": "a\n"}).commit(force=False)  # released: goes through
    assert (tmp_path / "a.py").exists()
