"""``--format html``: one self-contained page to read two reports side by side.

Nothing is fetched from the network (analysts open these offline and from
untrusted sources), so style and script are inline, and every piece of
document text goes through ``html.escape``: a report quoting ``<script>`` must
show it, not run it.
"""

from __future__ import annotations

from html import escape

from align.report.summary import (
    FACT_KINDS,
    SIDES,
    bead_side,
    coverage,
    document,
    fact_label,
    facts_on,
    file_name,
    is_rtl,
    is_two_sided,
    match_score,
    moved_rows,
    segments,
    told_elsewhere,
)
from align.types import Document, Fact, PairResult

STYLE = """
:root { --ink: #1d232b; --muted: #667; --line: #dde1e6; --solo: #fdf0e6; --pick: #dbeafe; --mate: #bfdbfe; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.55 system-ui, sans-serif; color: var(--ink); background: #fff; }
header { padding: 14px 20px; border-bottom: 1px solid var(--line); background: #f7f8fa; }
h1 { margin: 0 0 6px; font-size: 20px; }
.summary { border-collapse: collapse; font-size: 14px; }
.summary th, .summary td { padding: 2px 14px 2px 0; text-align: left; }
.hint { color: var(--muted); font-size: 13px; margin: 6px 0 0; }
.pair { display: grid; grid-template-columns: 1fr 3.5em 1fr; }
.row { display: contents; }
.cell { padding: 8px 14px; border-bottom: 1px solid var(--line); }
.colhead { font-weight: 600; background: #f7f8fa; position: sticky; top: 0; }
.score { color: var(--muted); font-size: 12px; text-align: center; padding-top: 10px; border-bottom: 1px solid var(--line); }
.solo { background: var(--solo); }
.gap { color: #bbb; }
.sent { cursor: pointer; border-radius: 3px; }
.sent:hover { outline: 1px dotted #89a; }
.sent.picked { background: var(--pick); }
.sent.mate { background: var(--mate); }
mark.fact { border-radius: 3px; padding: 0 1px; cursor: help; color: inherit; }
mark.kind-number, mark.kind-date { background: #f9a8d4; }
mark.kind-name { background: #a5f3fc; }
mark.kind-clause { background: #fcd34d; }
mark.kind-sentence { background: #fde9a8; }
"""

SCRIPT = """
document.addEventListener('click', function (event) {
  var picked = event.target.closest('.sent');
  document.querySelectorAll('.picked, .mate').forEach(function (el) { el.classList.remove('picked', 'mate'); });
  if (!picked) return;
  picked.classList.add('picked');
  document.querySelectorAll('.sent[data-bead="' + picked.dataset.bead + '"]').forEach(function (el) {
    if (el.dataset.side !== picked.dataset.side) el.classList.add('mate');
  });
});
"""


def attributes(doc: Document) -> str:
    """``lang`` and ``dir`` for an element holding this document's text."""
    direction = "rtl" if is_rtl(doc.lang) else "ltr"
    return f'lang="{escape(doc.lang)}" dir="{direction}"'


def fact_mark(text: str, facts: tuple[Fact, ...]) -> str:
    """A highlighted span, coloured by its innermost fact; kind and score of every fact on it show on hover."""
    kind = escape(facts[0].kind)
    label = "; ".join(fact_label(f) for f in facts)
    return f'<mark class="fact kind-{kind}" title="{escape(label)}" data-kind="{kind}">{escape(text)}</mark>'


def sentence_html(doc: Document, side: str, index: int, bead_number: int, facts: list[Fact]) -> str:
    pieces = segments(doc, doc.sentences[index], facts)
    inner = "".join(fact_mark(p.text, p.facts) if p.facts else escape(p.text) for p in pieces)
    return f'<span class="sent" id="{side}-{index}" data-side="{side}" data-bead="{bead_number}">{inner}</span>'


def summary_html(result: PairResult) -> str:
    """Per side: language, file, how much aligns, how many one-sided facts."""
    columns = ("side", "lang", "file", "sentences aligned", "characters aligned", "one-sided facts")
    rows = ["<tr>" + "".join(f"<th>{name}</th>" for name in columns) + "</tr>"]
    for side in SIDES:
        doc = document(result, side)
        share = coverage(result, side)
        rows.append(
            f"<tr class=\"{side}\"><td>{side}</td><td>{escape(doc.lang)}</td><td>{escape(file_name(doc))}</td>"
            f"<td>{share.aligned_sentences}/{share.total_sentences} ({share.sentence_ratio:.0%})</td>"
            f"<td>{share.char_ratio:.0%}</td><td class=\"facts\">{len(facts_on(result, side))}</td></tr>"
        )
    return f'<table class="summary">{"".join(rows)}</table>'


def bead_html(result: PairResult, number: int, facts: dict[str, list[Fact]], moved: dict[int, int]) -> str:
    """One row; ``moved``: :func:`align.report.summary.moved_rows`, which way the empty side of a moved bead points."""
    bead = result.beads[number]
    elsewhere = told_elsewhere(moved, number, numbered=False)
    one_sided = not is_two_sided(bead) and elsewhere is None
    cells = []
    for side in SIDES:
        doc = document(result, side)
        indices = bead_side(bead, side)
        if indices:
            body = " ".join(sentence_html(doc, side, i, number, facts[side]) for i in indices)
            css = f"cell {side} solo" if one_sided else f"cell {side}"
        else:
            body, css = escape(elsewhere or "—"), f"cell {side} gap"
        cells.append(f'<div class="{css}" {attributes(doc)}>{body}</div>')
    score = "" if one_sided else f"{bead.score:.2f}"
    return f'<div class="row bead" id="bead-{number}">{cells[0]}<div class="score">{score}</div>{cells[1]}</div>'


def render_html(result: PairResult) -> str:
    """The whole page as one string."""
    source, target = result.source, result.target
    facts = {side: facts_on(result, side) for side in SIDES}
    title = f"{source.lang} → {target.lang}: {file_name(source)} · {file_name(target)}"
    source_head, target_head = (
        f'<div class="cell colhead" {attributes(doc)}>{escape(doc.lang)} · {escape(file_name(doc))}</div>' for doc in (source, target)
    )
    head_row = f'<div class="row head">{source_head}<div class="score colhead"></div>{target_head}</div>'
    legend = " ".join(f'<mark class="key kind-{kind}">{kind}</mark>' for kind in FACT_KINDS)
    moved = moved_rows(result)
    beads = "\n".join(bead_html(result, number, facts, moved) for number in range(len(result.beads)))
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>{STYLE}</style>
</head>
<body>
<header>
<h1>{escape(source.lang)} → {escape(target.lang)} <small>match score {match_score(result):.2f}</small></h1>
{summary_html(result)}
<p class="hint">Tinted: only in one version. Highlighted: a fact only one version carries ({legend}; hover for kind and score). Click a sentence to show its counterpart.</p>
</header>
<main class="pair">
{head_row}
{beads}
</main>
<script>{SCRIPT}</script>
</body>
</html>
"""
