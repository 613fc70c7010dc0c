"""The wheel carries the templates, so an installed scaffold works from anywhere,
and installs light: TensorFlow and the training stack only come with the
`tensorflow` extra."""

import subprocess
import sys
import zipfile

from helpers import REPO


def test_the_wheel_ships_every_template(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(REPO)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    [wheel] = tmp_path.glob("scaffold_keras-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    templates = [
        p.relative_to(REPO).as_posix() for p in (REPO / "templates").rglob("*") if p.is_file()
    ]
    assert len(templates) > 20
    assert {f"scaffold/{t}" for t in templates} <= names
    assert "scaffold/cli.py" in names
    [metadata] = [n for n in names if n.endswith(".dist-info/METADATA")]
    requires = [
        line.split(":", 1)[1].strip()
        for line in zipfile.ZipFile(wheel).read(metadata).decode().splitlines()
        if line.startswith("Requires-Dist:")
    ]
    always = sorted(r.split(">")[0].split(";")[0].strip() for r in requires if "extra ==" not in r)
    assert always == ["black", "click", "jinja2", "libcst", "merge3", "tomli", "tomli-w"]
    extra = [
        r.split(">")[0].split(";")[0]
        for r in requires
        if "extra == 'tensorflow'" in r.replace('"', "'")
    ]
    assert sorted(extra) == ["matplotlib", "scikit-learn", "tensorboard", "tensorflow"]
