"""Writing one benchmark's section of docs/benchmarks.md, leaving the other sections alone.

Standard library only: the API benchmark (Python 3.11 venv) and the assistant benchmark (Python 3.10
venv) both use it.
"""

from __future__ import annotations

from pathlib import Path


def markers(name: str) -> tuple[str, str]:
    return f"<!-- {name}:start -->", f"<!-- {name}:end -->"


def write_section(path: Path, name: str, section: str) -> None:
    """Replace the section between the markers of `name` (added at the end when missing)."""
    start, end = markers(name)
    body = f"{start}\n{section.strip()}\n{end}"
    current = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if start in current and end in current:
        head, rest = current.split(start, 1)
        updated = head + body + rest.split(end, 1)[1]
    else:
        updated = current.rstrip("\n") + "\n\n" + body + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(updated, encoding="utf-8")
