"""A report as a list of blocks, written out twice: Markdown (figures as files beside it) and one
self-contained HTML file (figures embedded as base64 PNG, styles inline, no scripts or links out),
so the HTML opens offline and can be mailed as it is. Also the number format the report uses."""

from __future__ import annotations

import base64
import html
import math
from dataclasses import dataclass, field
from pathlib import Path

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:1.2em auto;max-width:1180px;
padding:0 1em;color:#1f2328;line-height:1.4;font-size:15px}
h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.2em;margin-top:1.4em;border-bottom:1px solid #d0d7de}
table{border-collapse:collapse;margin:.5em 0;font-size:13px}th,td{border:1px solid #d0d7de;padding:2px 7px}
th{background:#f6f8fa;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
.box{border:1px solid #d0d7de;border-left:5px solid #1f6feb;background:#f6f8fa;padding:.4em 1em;margin:.6em 0}
.warn{border-left-color:#d29922;background:#fff8c5}.lead{font-size:1.05em}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:1em;align-items:start}
img{max-width:100%}caption{caption-side:top;text-align:left;font-weight:600;padding:.2em 0}
code,pre{font-size:12px;background:#f6f8fa}pre{padding:.5em;white-space:pre-wrap;word-break:break-all}
.better{color:#1a7f37;font-weight:600}.worse{color:#c62828;font-weight:600}
"""


def fmt(mean: float, half: float = float("nan"), signed: bool = False) -> str:
    """``mean ± half`` rounded by the interval: two significant digits of the half-width set the
    decimals (15.54 ± 0.40, 2,141 ± 53, 5,650 ± 160); without an interval, three significant digits;
    a zero-width interval says the value is the same in every seed."""
    if mean is None or math.isnan(mean):
        return "n/a"
    sign = "+" if signed else ""
    if mean == 0 and half == 0:
        return "0 (same in every seed)"
    if math.isnan(half) or half == 0:
        text = _round(mean, 2 - _magnitude(mean), sign)
        return f"{text} (same in every seed)" if half == 0 else text
    decimals = 1 - _magnitude(half)
    return f"{_round(mean, decimals, sign)} ± {_round(half, decimals, '')}"


def fmt_range(mean: float, half: float) -> str:
    """The 95 % interval as 'low to high', rounded as :func:`fmt`."""
    if math.isnan(mean) or math.isnan(half):
        return "n/a"
    if half == 0:
        return "the same in every seed"
    decimals = 1 - _magnitude(half)
    return f"{_round(mean - half, decimals, '+')} to {_round(mean + half, decimals, '+')}"


def _magnitude(x: float) -> int:
    return math.floor(math.log10(abs(x))) if x else 0


def _round(x: float, decimals: int, sign: str) -> str:
    if decimals >= 0:
        return f"{x:{sign},.{decimals}f}"
    step = 10 ** -decimals
    return f"{round(x / step) * step:{sign},.0f}"


@dataclass
class Document:
    title: str
    blocks: list[tuple] = field(default_factory=list)

    def heading(self, text: str) -> None:
        self.blocks.append(("h2", text))

    def para(self, text: str, css: str = "") -> None:
        """A paragraph; ``**bold**`` marks the words that matter."""
        self.blocks.append(("p", text, css))

    def box(self, title: str, items: list[str], warn: bool = False) -> None:
        self.blocks.append(("box", title, items, warn))

    def table(self, caption: str, header: list[str], rows: list[list[str]], numeric: set[int] | None = None) -> None:
        self.blocks.append(("table", caption, header, rows, numeric or set()))

    def figure(self, path: Path, alt: str) -> None:
        self.blocks.append(("figure", path, alt))

    def code(self, text: str) -> None:
        self.blocks.append(("code", text))

    def open_grid(self) -> None:
        self.blocks.append(("grid", True))

    def close_grid(self) -> None:
        self.blocks.append(("grid", False))

    # ---- Markdown ----------------------------------------------------------------------------
    def markdown(self) -> str:
        out = [f"# {self.title}", ""]
        for b in self.blocks:
            kind = b[0]
            if kind == "h2":
                out += [f"## {b[1]}", ""]
            elif kind == "p":
                out += [b[1], ""]
            elif kind == "box":
                out += [f"> **{b[1]}**", ">"] + [f"> - {i}" for i in b[2]] + [""]
            elif kind == "table":
                _, caption, header, rows, numeric = b
                out += [f"**{caption}**", "", "| " + " | ".join(header) + " |",
                        "|" + "|".join("---:" if i in numeric else "---" for i in range(len(header))) + "|"]
                out += ["| " + " | ".join(c.replace("|", "/") for c in r) + " |" for r in rows] + [""]
            elif kind == "figure":
                out += [f"![{b[2]}]({b[1].name})", ""]
            elif kind == "code":
                out += ["```sh", b[1], "```", ""]
        return "\n".join(out)

    # ---- HTML --------------------------------------------------------------------------------
    def html(self) -> str:
        e = html.escape
        out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
               '<meta name="viewport" content="width=device-width, initial-scale=1">',
               f"<title>{e(self.title)}</title><style>{STYLE}</style></head><body>", f"<h1>{e(self.title)}</h1>"]
        for b in self.blocks:
            kind = b[0]
            if kind == "h2":
                out.append(f"<h2>{e(b[1])}</h2>")
            elif kind == "p":
                out.append(f'<p class="{b[2]}">{_inline(b[1])}</p>' if b[2] else f"<p>{_inline(b[1])}</p>")
            elif kind == "box":
                items = "".join(f"<li>{_inline(i)}</li>" for i in b[2])
                out.append(f'<div class="box{" warn" if b[3] else ""}"><strong>{e(b[1])}</strong><ul>{items}</ul></div>')
            elif kind == "table":
                _, caption, header, rows, numeric = b
                head = "".join(f"<th>{e(h)}</th>" for h in header)
                body = "".join("<tr>" + "".join(f'<td class="n">{_inline(c)}</td>' if i in numeric else f"<td>{_inline(c)}</td>"
                                                for i, c in enumerate(r)) + "</tr>" for r in rows)
                out.append(f"<table><caption>{e(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
            elif kind == "figure":
                data = base64.b64encode(Path(b[1]).read_bytes()).decode("ascii")
                out.append(f'<figure><img alt="{e(b[2])}" src="data:image/png;base64,{data}"></figure>')
            elif kind == "code":
                out.append(f"<pre><code>{e(b[1])}</code></pre>")
            elif kind == "grid":
                out.append('<div class="grid">' if b[1] else "</div>")
        out.append("</body></html>")
        return "\n".join(out)


def _inline(text: str) -> str:
    """Escape, then ``**bold**`` and ``code`` spans as HTML."""
    parts = html.escape(text).split("**")
    text = "".join(f"<strong>{p}</strong>" if i % 2 else p for i, p in enumerate(parts))
    parts = text.split("`")
    text = "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))
    for word in ("better", "worse"):  # a verdict ends a table cell
        if text == word or text.endswith(f" {word}"):
            return f'{text[:-len(word)]}<span class="{word}">{word}</span>'
    return text
