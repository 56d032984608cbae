"""Write docs/parameters.md from the scenario schema (or check it is up to date).

    python tools/gen_param_docs.py          # rewrite docs/parameters.md
    python tools/gen_param_docs.py --check  # exit 1 if it differs from the schema
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "parameters.md"


def render() -> str:
    from mentorsim.schema.register_text import register_markdown

    return register_markdown().rstrip() + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if not DOC.exists() or DOC.read_text(encoding="utf-8") != text:
            print(f"{DOC.relative_to(ROOT)} is out of date: run python tools/gen_param_docs.py", file=sys.stderr)
            return 1
        print(f"{DOC.relative_to(ROOT)} is up to date")
        return 0
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
