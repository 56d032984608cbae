"""Write the Layout section of docs/architecture.md from the package's folders (or check it is up to date).

The section between the ``<!-- layout:begin -->`` and ``<!-- layout:end -->`` markers lists every folder (layer) of
``src/mentorsim`` with the first sentence of its package docstring, then each of its modules with theirs, so the
layout can never drift from the code. The rest of the page is written by hand.

    python tools/gen_architecture.py          # rewrite the section
    python tools/gen_architecture.py --check  # exit 1 if it differs from the folders
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "src" / "mentorsim"
DOC = ROOT / "docs" / "architecture.md"
BEGIN, END = "<!-- layout:begin -->", "<!-- layout:end -->"


def summary(path: Path) -> str:
    """The first sentence of a module's docstring (empty if it has none)."""
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    first = " ".join(doc.strip().split("\n\n")[0].split())
    return first.split(". ")[0].rstrip(".")


def render() -> str:
    lines = [BEGIN, "", "Generated from the folders by `python tools/gen_architecture.py` (a test checks it is current).", ""]
    lines += ["| module | what it holds |", "| --- | --- |"]
    for f in sorted(PKG.glob("*.py")):
        lines.append(f"| `{f.name}` | {summary(f)} |")
    lines.append("")
    for d in sorted(p for p in PKG.iterdir() if p.is_dir() and (p / "__init__.py").exists()):
        lines += [f"### {d.name}/", "", summary(d / "__init__.py") + ".", "", "| module | what it holds |", "| --- | --- |"]
        for f in sorted(d.rglob("*.py")):
            if f.name == "__init__.py" and f.parent == d:
                continue
            lines.append(f"| `{f.relative_to(d).as_posix()}` | {summary(f)} |")
        lines.append("")
    lines.append(END)
    return "\n".join(lines)


def updated(text: str) -> str:
    if BEGIN not in text or END not in text:
        raise SystemExit(f"{DOC.relative_to(ROOT)} has no {BEGIN} ... {END} section")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return head + render() + tail


def main(argv: list[str]) -> int:
    text = DOC.read_text(encoding="utf-8")
    new = updated(text)
    if "--check" in argv:
        if new != text:
            print(f"{DOC.relative_to(ROOT)} is out of date: run python tools/gen_architecture.py", file=sys.stderr)
            return 1
        print(f"{DOC.relative_to(ROOT)} is up to date")
        return 0
    DOC.write_text(new, encoding="utf-8")
    print(f"wrote {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
