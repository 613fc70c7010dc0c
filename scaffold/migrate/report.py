"""What a migration did and left, per file: findings, diffs, the summary."""

from __future__ import annotations

import difflib
import json
from dataclasses import asdict, dataclass, field

FIXED, LEFT = "fixed", "left"


@dataclass(frozen=True)
class Finding:
    line: int
    layer: str
    rewrite: str  # named after the `scaffold check` check it makes pass (docs/CHECKS.md)
    status: str  # FIXED or LEFT
    message: str


@dataclass
class FileResult:
    path: str  # as the user should read it
    original: str
    migrated: str
    layers: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    refused: str = ""  # why the file was not migrated at all

    @property
    def changed(self) -> bool:
        return not self.refused and self.migrated != self.original

    def diff(self) -> str:
        if not self.changed:
            return ""
        return "".join(
            difflib.unified_diff(
                self.original.splitlines(keepends=True),
                self.migrated.splitlines(keepends=True),
                fromfile=f"a/{self.path}",
                tofile=f"b/{self.path}",
            )
        )


def render_findings(result: FileResult) -> list[str]:
    return [
        f"{result.path}:{f.line}: {f.layer}: {f.status} [{f.rewrite}] {f.message}"
        for f in sorted(result.findings, key=lambda f: (f.line, f.status != FIXED))
    ]


def summary(results: list[FileResult]) -> str:
    findings = [f for r in results for f in r.findings]
    fixed = sum(f.status == FIXED for f in findings)
    left = len(findings) - fixed
    changed = sum(r.changed for r in results)
    refused = sum(bool(r.refused) for r in results)
    layers = sum(len(r.layers) for r in results)
    text = (
        f"{len(results)} file(s), {layers} layer(s): {changed} file(s) to change, "
        f"{fixed} fix(es), {left} left for you"
    )
    if refused:
        text += f", {refused} file(s) refused"
    return text


def render_json(results: list[FileResult], written: bool) -> str:
    return json.dumps(
        {
            "written": written,
            "files": [
                {
                    "path": r.path,
                    "changed": r.changed,
                    "refused": r.refused,
                    "layers": r.layers,
                    "findings": [asdict(f) for f in r.findings],
                    "diff": r.diff(),
                }
                for r in results
            ],
        },
        indent=2,
    )
