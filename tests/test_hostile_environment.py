"""What the surroundings hand scaffold, as a hostile user arranges them: special
files where files are expected, names that differ only in case, installed code
as the output directory, closed standard streams, nonsense in environment
variables, a journal copied from another tree, `__init__.py` nesting deeper
than a syntax-tree walk can follow. Each is run as a user runs it (a new
process) unless the case is open-ended, then property-based in-process.

Every refusal: exit 1 or 2, one line on stderr, no traceback, the tree exactly
as before. SCAFFOLD_FUZZ_EXAMPLES=N runs N examples of each property instead of
the small default."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import socket
import stat
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import REPO, run_scaffold, tree_state
from scaffold.core import journal
from scaffold.core.errors import ScaffoldError
from scaffold.core.plan import Plan

EXAMPLES = int(os.environ.get("SCAFFOLD_FUZZ_EXAMPLES", "40"))
fuzz = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def written(directory: Path) -> list[str]:
    """The entries of `directory` besides the generation record (.scaffold*)."""
    return sorted(n for n in os.listdir(directory) if not n.startswith(".scaffold"))


@functools.lru_cache(maxsize=None)
def gate_files() -> tuple[str, ...]:
    """What `scaffold layer Gate` writes into an empty directory, undisturbed."""
    with tempfile.TemporaryDirectory() as directory:
        result = run_scaffold("layer", "Gate", cwd=Path(directory))
        assert result.returncode == 0, result.stderr
        return tuple(written(Path(directory)))


def refused(result, code=None) -> str:
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in ((code,) if code else (1, 2)), result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def state(root: Path) -> dict:
    """`tree_state`, with special files named by their type instead of read
    (reading a FIFO would wait for a writer)."""
    found = {}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        if stat.S_ISREG(info.st_mode):
            found[str(path.relative_to(root))] = path.read_bytes()
        else:
            found[str(path.relative_to(root))] = stat.S_IFMT(info.st_mode)
    return found


def refused_unchanged(tmp_path, *args, env=None) -> str:
    before = state(tmp_path)
    result = run_scaffold(*args, cwd=tmp_path, env=env, timeout=30)
    line = refused(result)
    assert state(tmp_path) == before
    return line


# -- special files where a file is expected ------------------------------------------


def fifo(path: Path) -> None:
    os.mkfifo(path)


def unix_socket(path: Path) -> None:
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(path))
    sock.close()


def directory(path: Path) -> None:
    path.mkdir()


def dangling_symlink(path: Path) -> None:
    path.symlink_to("nowhere.py")


SPECIAL = [fifo, unix_socket, directory]


@pytest.mark.parametrize("make", SPECIAL, ids=lambda f: f.__name__)
@pytest.mark.parametrize("extra", [[], ["--force"], ["--dry-run"]])
def test_a_special_file_where_the_module_goes(tmp_path, make, extra):
    """A FIFO at scale.py used to hang every run (opening it waits for a writer)."""
    make(tmp_path / "scale.py")
    line = refused_unchanged(tmp_path, "layer", "Scale", *extra)
    assert "scale.py exists and is not a regular file" in line


@pytest.mark.parametrize("make", [*SPECIAL, dangling_symlink], ids=lambda f: f.__name__)
def test_a_package_whose_init_is_not_a_file(tmp_path, make):
    """Such a directory used to be taken for a plain one: the layer was written
    and silently left unregistered."""
    (tmp_path / "pkg").mkdir()
    make(tmp_path / "pkg" / "__init__.py")
    line = refused_unchanged(tmp_path, "layer", "Scale", "-o", "pkg")
    assert "pkg/__init__.py exists but is not a regular file" in line


# -- names that differ only in case ---------------------------------------------------


def test_a_module_beside_its_case_twin(tmp_path):
    """On macOS or Windows scale.py *is* Scale.py: writing it would replace it."""
    (tmp_path / "Scale.py").write_text("# the user's module\n")
    line = refused_unchanged(tmp_path, "layer", "Scale")
    assert "scale.py differs only in case from the existing Scale.py" in line


def test_a_project_beside_its_case_twin(tmp_path):
    (tmp_path / "lenet").mkdir()
    (tmp_path / "lenet" / "notes.txt").write_text("mine\n")
    line = refused_unchanged(tmp_path, "lenet", "Lenet")
    assert "Lenet differs only in case from the existing lenet" in line


@fuzz
@given(
    existing=st.lists(
        st.text(alphabet="aAbBsS_.", min_size=1, max_size=4).filter(lambda n: n not in ".."),
        max_size=4,
        unique=True,
    ),
    wanted=st.text(alphabet="aAbBsS_", min_size=1, max_size=4),
)
def test_case_twins_are_refused_exactly(tmp_path_factory, existing, wanted):
    """Property: a plan is refused exactly when the file it writes is not there
    but an entry whose name differs only in case is."""
    root = tmp_path_factory.mktemp("twins")
    for name in existing:
        (root / name).write_text("x")
    plan = Plan(root)
    plan.add(root / wanted, "new\n")
    clash = wanted not in existing and any(
        name.casefold() == wanted.casefold() for name in existing
    )
    try:
        plan.statuses(force=True)
    except ScaffoldError as error:
        assert clash, error
        assert "differs only in case" in str(error)
    else:
        assert not clash


# -- installed code and empty directories as the output -------------------------------


@pytest.mark.parametrize(
    "where",
    [
        REPO / "scaffold",  # the tool itself
        REPO / "scaffold" / "kinds",
        Path(sysconfig.get_paths()["purelib"]),
        Path(sysconfig.get_paths()["stdlib"]) / "json",
    ],
    ids=["scaffold", "scaffold-kinds", "site-packages", "stdlib"],
)
def test_installed_code_is_not_an_output_directory(tmp_path, where):
    line = refused_unchanged(tmp_path, "layer", "Zzscale", "-o", where)
    assert "is inside installed code" in line
    line = refused_unchanged(tmp_path, "layer", "Zzscale", "--tests-dir", where)
    assert "is inside installed code" in line


@pytest.mark.parametrize("option", ["-o", "--tests-dir"])
@pytest.mark.parametrize("value", ["", "  "])
def test_an_empty_directory_option(tmp_path, option, value):
    """`-o "$DEST"` with DEST unset used to write into the current directory."""
    line = refused_unchanged(tmp_path, "layer", "Scale", option, value)
    assert "the directory is empty" in line


# -- standard streams and environment variables --------------------------------------


@pytest.mark.parametrize(
    "redirect, args, files",
    [
        (">&-", "layer Gate", "gate"),
        (">&-", "layer Gate --dry-run", []),
        (">&-", "kinds", []),
        ("<&-", "layer Gate", "gate"),
        ("2>&-", "layer 1bad", []),
    ],
)
def test_closed_standard_streams(tmp_path, redirect, args, files):
    """`scaffold ... >&-` used to end in an AttributeError traceback (Python sets
    sys.stdout to None), after writing the files."""
    result = subprocess.run(
        f"{sys.executable} -m scaffold {args} {redirect}",
        shell=True,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == (2 if "1bad" in args else 0), result.stderr
    assert written(tmp_path) == (list(gate_files()) if files == "gate" else files)


@pytest.mark.parametrize("value", ["abc", "-1", "nan", "inf", "1e400", "0x10"])
def test_lock_timeout_nonsense(tmp_path, value):
    """ "inf" used to wait forever on a stopped run's lock; the rest were ignored."""
    line = refused_unchanged(tmp_path, "layer", "Gate", env={"SCAFFOLD_LOCK_TIMEOUT": value})
    assert "SCAFFOLD_LOCK_TIMEOUT must be a number of seconds" in line


def test_lock_timeout_set_to_nothing_is_the_default(tmp_path):
    result = run_scaffold("layer", "Gate", cwd=tmp_path, env={"SCAFFOLD_LOCK_TIMEOUT": ""})
    assert result.returncode == 0, result.stderr


def test_a_lock_directory_that_cannot_be_made(tmp_path):
    line = refused_unchanged(
        tmp_path, "layer", "Gate", env={"SCAFFOLD_LOCK_DIR": str(tmp_path / "no" / "locks")}
    )
    assert "cannot create the lock directory" in line


def test_a_relative_xdg_cache_home_is_ignored(tmp_path):
    """The XDG spec calls a relative path invalid; it used to put the cache in
    the user's tree."""
    home = tmp_path / "home"
    work = tmp_path / "work"
    home.mkdir()
    work.mkdir()
    env = {"XDG_CACHE_HOME": "cache", "HOME": str(home)}
    env.pop("SCAFFOLD_CACHE_DIR", None)
    result = subprocess.run(
        [sys.executable, "-m", "scaffold", "layer", "Gate"],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=60,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("SCAFFOLD_")},
            "PYTHONPATH": str(REPO),
            **env,
        },
    )
    assert result.returncode == 0, result.stderr
    assert written(work) == list(gate_files())
    assert (home / ".cache" / "scaffold").is_dir()


# -- a journal copied from another tree ----------------------------------------------


def _journal_for(root: Path, target: Path, previous: bytes | None) -> bytes:
    change = journal.Change(target, target.read_bytes(), previous)
    return journal.Journal(root, [change]).payload()


@pytest.mark.parametrize("previous", [b"# old\n", None], ids=["restore", "remove"])
def test_a_copied_journal_leaves_the_original_tree_alone(tmp_path, previous):
    """`cp -r` (or a checkout) of a tree holding a dead run's journal: recovering
    the copy used to roll back the original's files (restore or delete them)."""
    original = tmp_path / "original"
    original.mkdir()
    mine = original / "mine.py"
    mine.write_text("# the user's current work\n")
    copy = tmp_path / "copy"
    copy.mkdir()
    (copy / journal.JOURNAL).write_bytes(_journal_for(original, mine, previous))
    result = run_scaffold("layer", "Gate", cwd=copy)
    assert result.returncode == 0, result.stderr
    assert "ignored and removed .scaffold-journal" in result.stderr
    assert mine.read_text() == "# the user's current work\n"
    assert written(copy) == list(gate_files())
    assert not (copy / journal.JOURNAL).exists()


_text = st.text(alphabet="ab./-_", max_size=12)
_entry = st.fixed_dictionaries(
    {
        "path": st.one_of(_text, st.integers(), st.none()),
        "tmp": st.one_of(_text, st.just(".scaffold-0.tmp")),
        "new": st.one_of(st.text(max_size=4), st.integers(), st.none()),
        "previous": st.one_of(st.none(), st.text(alphabet="0123456789abcdefxz", max_size=6)),
    }
)


@fuzz
@given(
    entries=st.lists(_entry, max_size=3),
    directories=st.lists(_text, max_size=2),
    prefix=st.sampled_from(["", "inside", "outside", "inside/.."]),
)
def test_any_journal_touches_nothing_outside_its_directory(
    tmp_path_factory, entries, directories, prefix
):
    """Property: whatever a checksummed journal says, recovery raises nothing
    and changes nothing outside the directory it was found in."""
    base = tmp_path_factory.mktemp("journal")
    inside, outside = base / "inside", base / "outside"
    inside.mkdir()
    outside.mkdir()
    for root in (inside, outside):
        (root / "a").write_text("a")
    before = tree_state(outside)

    def place(name):
        return os.path.join(base, prefix, name) if isinstance(name, str) and prefix else name

    for entry in entries:
        entry["path"] = place(entry["path"])
        if isinstance(entry["path"], str):
            entry["tmp"] = os.path.join(os.path.dirname(entry["path"]), entry["tmp"])
    body = {
        "format": journal.FORMAT,
        "pid": 1,
        "directories": [place(d) for d in directories],
        "files": entries,
    }
    text = json.dumps(body, sort_keys=True)
    checksum = hashlib.sha256(text.encode("utf-8")).hexdigest()
    (inside / journal.JOURNAL).write_text(json.dumps({"body": body, "sha256": checksum}))
    journal.recover([inside])
    assert tree_state(outside) == before
    assert not (inside / journal.JOURNAL).exists()


# -- names loaded by name, nesting deeper than a tree walk -----------------------------


@pytest.mark.parametrize("name", ["Setup", "Sitecustomize", "Usercustomize"])
def test_modules_that_something_runs_by_name(tmp_path, name):
    """setup.py is run by `pip install .`; sitecustomize.py at every start-up."""
    line = refused_unchanged(tmp_path, "layer", name)
    assert "load by itself" in line


def test_a_project_package_named_main(tmp_path):
    """`import __main__` gives the running program: the package could never load."""
    line = refused_unchanged(tmp_path, "lenet", "proj", "--name", "__main__")
    assert "load by itself" in line


def test_an_init_nesting_deeper_than_a_tree_walk(tmp_path):
    """Python parses 200 nested brackets; copying or dumping that tree used to
    end in a RecursionError traceback."""
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("x = " + "[" * 200 + "]" * 200 + "\n")
    line = refused_unchanged(tmp_path, "layer", "Scale", "-o", "pkg")
    assert "nests too deeply" in line


def test_a_kind_spec_nesting_deeper_than_the_toml_parser(tmp_path):
    """tomllib recurses once per nested array: 3,000 used to be a RecursionError."""
    kind = tmp_path / "deep"
    kind.mkdir()
    (kind / "kind.toml").write_text("x = " + "[" * 3000 + "1" + "]" * 3000 + "\n")
    line = refused_unchanged(tmp_path, "layer", "Gate", "--kind", "./deep")
    assert "nests arrays or tables too deeply" in line


def test_migrate_passes_over_a_fifo(tmp_path):
    """`scaffold migrate DIR` used to block forever opening a FIFO named *.py."""
    os.mkfifo(tmp_path / "pipe.py")
    result = run_scaffold("migrate", ".", cwd=tmp_path, timeout=60)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1
    assert "pipe.py: refused: is not a regular file" in result.stderr


def test_migrate_refuses_nesting_deeper_than_a_tree_walk(tmp_path):
    (tmp_path / "deep.py").write_text("import keras\nx = " + "[" * 200 + "]" * 200 + "\n")
    before = state(tmp_path)
    result = run_scaffold("migrate", ".", "--write", cwd=tmp_path, timeout=60)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1
    assert "deep.py: refused: nests too deeply" in result.stderr
    assert state(tmp_path) == before
