"""The documents' links lead somewhere: an in-page link (``](#anchor)``) names a heading of the
same file, as GitHub spells its anchors, and a relative link names a file of the checkout. The
validation record is long and its contents list is only useful while its links hold."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = sorted([ROOT / "README.md", ROOT / "results" / "README.md", *(ROOT / "docs").glob("*.md")])
LINK = re.compile(r"\]\(([^)\s]+)\)")


def anchors(text: str) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped (word characters, hyphens and
    spaces kept), spaces as hyphens, a repeated anchor numbered -1, -2, ...; fenced code skipped."""
    seen: dict[str, int] = {}
    out: set[str] = set()
    fenced = False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        heading = None if fenced else re.match(r"#{1,6} (.*)", line)
        if heading:
            slug = re.sub(r"[^\w\- ]", "", heading.group(1).strip().lower()).replace(" ", "-")
            n = seen.get(slug, 0)
            seen[slug] = n + 1
            out.add(slug if n == 0 else f"{slug}-{n}")
    return out


def test_anchors_follow_githubs_spelling():
    text = "# Issue 11 today, in one table (2026-12-03)\n```\n# not a heading\n```\n## `imcsim effects`: ✗ traced\n## Tests\n## Tests\n"
    assert anchors(text) == {"issue-11-today-in-one-table-2026-12-03", "imcsim-effects--traced", "tests", "tests-1"}


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_link_leads_somewhere(document: Path):
    text = document.read_text(encoding="utf-8")
    own = anchors(text)
    broken = []
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target):  # https:, mailto: - not checked offline
            continue
        path, _, anchor = target.partition("#")
        if path:
            if not (document.parent / path).exists():
                broken.append(target)
        elif anchor not in own:
            broken.append(target)
    assert not broken, f"{document.name}: links that lead nowhere: {broken}"
