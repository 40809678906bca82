"""TMX 1.4 export of the aligned pairs, for translation-memory tools.

Only beads with both sides become translation units: a one-sided bead has no
translation to remember.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from importlib.metadata import PackageNotFoundError, version

from align.report.summary import is_two_sided
from align.types import Document, PairResult

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Characters XML 1.0 cannot carry at all, not even escaped (most C0 controls, lone surrogates).
NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def tool_version() -> str:
    try:
        return version("align")
    except PackageNotFoundError:
        return "unknown"


def segment_text(doc: Document, indices: tuple[int, ...]) -> str:
    """The sentences of one side of a bead, joined by a space, cleaned of characters XML forbids."""
    return NOT_XML.sub("", " ".join(doc.sentences[i].text for i in indices))


def render_tmx(result: PairResult) -> str:
    """The two-sided beads as a TMX 1.4 document (one ``<tu>`` each, the bead score as a ``<prop>``)."""
    root = ET.Element("tmx", version="1.4")
    ET.SubElement(
        root,
        "header",
        creationtool="align",
        creationtoolversion=tool_version(),
        segtype="sentence",
        datatype="plaintext",
        adminlang="en",
        srclang=result.source.lang,
        **{"o-tmf": "align"},
    )
    body = ET.SubElement(root, "body")
    for bead in result.beads:
        if not is_two_sided(bead):
            continue
        unit = ET.SubElement(body, "tu")
        ET.SubElement(unit, "prop", type="x-align-score").text = f"{bead.score:.3f}"
        for doc, indices in ((result.source, bead.source), (result.target, bead.target)):
            variant = ET.SubElement(unit, "tuv", {XML_LANG: doc.lang})
            ET.SubElement(variant, "seg").text = segment_text(doc, indices)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
