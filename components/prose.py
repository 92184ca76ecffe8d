"""Prose with equations, typeset once on the server: Markdown → HTML and ``$…$`` / ``$$…$$`` → MathML.

Browsers draw MathML Core natively (Chromium ≥ 109, Firefox, Safari), so the page needs no MathJax: the
equations are part of the layout, painted with the text, and the 650 KB typesetting script is never
loaded.  ``prose_html(text)`` returns one line of well-formed XHTML, which ``components.common.markdown`` sends
in a div's ``data-prose`` attribute and assets/prose.js hands to the browser's own HTML parser (no Markdown or JSX
parsing in the page; the markup is also valid for a strict XML or JSX parser):

* math spans are cut out before the Markdown pass (so ``\\|``, ``_`` or ``*`` in LaTeX never meet the
  Markdown parser) and put back as ``<math>`` elements made by ``latex2mathml``; a paragraph holding only
  ``$$…$$`` becomes ``<div class="math-display"><math display="block">…</math></div>`` (one inside a
  paragraph stays a ``<math display="block">`` there);
* raw HTML in the prose is escaped (``html`` off), void tags are self-closed (``xhtmlOut``), soft line
  breaks become spaces, and ``{`` / ``}`` are written as character references (so that a JSX parser
  would read them as text too);
* a formula latex2mathml cannot read is shown as its LaTeX source in ``<code class="tex">`` (and logged),
  never as a broken page.
"""

from __future__ import annotations

import functools
import html
import logging
import re

from latex2mathml.converter import convert
from markdown_it import MarkdownIt

log = logging.getLogger(__name__)

# $$…$$ (display, may span lines) first, then $…$ (inline, no $ inside); an escaped \$ is not a delimiter.
_MATH = re.compile(r"(?<!\\)\$\$(.+?)(?<!\\)\$\$|(?<![\\$])\$([^$]+?)(?<!\\)\$", re.S)
_PLACEHOLDER = "\u27e6m{}\u27e7"  # ⟦m0⟧: survives the Markdown pass untouched
_PLACEHOLDER_RE = re.compile("\u27e6m(\\d+)\u27e7")
_DISPLAY_PARAGRAPH = re.compile("<p>\u27e6m(\\d+)\u27e7</p>")
# Characters kept as references in the output: the ones HTML/JSX give a meaning to.
_KEEP_ESCAPED = {"<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "{": "&#123;", "}": "&#125;"}
# A + or − right after an operator or an opening bracket is a sign (prefix: no binary-operator spacing);
# MathML would infer "infix" from its place inside the row, as in "y = − 1".
_SIGN_AFTER_OPERATOR = re.compile(r"(<mo(?: [^>]*)?>[^<)\]‖|]</mo>)<mo>([+−])</mo>")
# Function names get a thin space from an ordinary symbol on either side (1.6\,cos\,θ, ln\,2), as in TeX;
# latex2mathml writes \max / \min as operators (<mo>), which MathML would space like a "+".
_FUNCTION_NAMES = "ln|log|exp|cos|sin|tan|max|min|arg"
_OPERATOR_NAME = re.compile(r"<mo>(max|min)</mo>")
_FUNCTION_THEN_ORD = re.compile(rf"(<mi>(?:{_FUNCTION_NAMES})</mi>)(?=<m[in][ >])")
_ORD_THEN_FUNCTION = re.compile(rf"(</m[in]>|</msub>|</msup>)(?=<mi>(?:{_FUNCTION_NAMES})</mi>)")
# x' : a prime written as a superscript is raised twice (the glyph already sits high); set it beside x.
_PRIME = re.compile(r"<msup>(<mi>[^<]*</mi>)<mi>(′+)</mi></msup>")
# "|" (absolute value) and "/" are ordinary symbols in TeX: no operator spacing around them.
_TIGHT_OPERATOR = re.compile(r'<mo( stretchy="false")?>([|/])</mo>')

_MD = MarkdownIt("commonmark", {"html": False, "xhtmlOut": True, "typographer": False})
_MD.add_render_rule("softbreak", lambda *args, **kwargs: " ")


def _unentity(match: re.Match) -> str:
    char = chr(int(match.group(1), 16))
    return _KEEP_ESCAPED.get(char, char)


def latex_to_mathml(tex: str, display: bool = False) -> str:
    """One formula as a compact ``<math>`` element (raises on LaTeX that latex2mathml cannot read)."""
    out = convert(tex.strip(), display="block" if display else "inline")
    out = out.replace(' xmlns="http://www.w3.org/1998/Math/MathML"', "").replace(' display="inline"', "")
    out = re.sub(r"&#x([0-9A-Fa-f]+);", _unentity, out)  # the characters themselves: a third of the bytes
    out = re.sub(r"&(?!#?\w+;)", "&amp;", out)  # a bare & (latex2mathml passes an unknown one through)
    out = out.replace("<mo>^</mo></mover>", "<mo>\u02c6</mo></mover>")  # \hat: the accent glyph, not a caret
    out = _SIGN_AFTER_OPERATOR.sub(r'\1<mo form="prefix">\2</mo>', out)
    out = _OPERATOR_NAME.sub(r"<mi>\1</mi>", out)
    out = _FUNCTION_THEN_ORD.sub(r'\1<mspace width="0.167em" />', out)
    out = _ORD_THEN_FUNCTION.sub(r'\1<mspace width="0.167em" />', out)
    out = _PRIME.sub(r'\1<mo lspace="0em" rspace="0em">\2</mo>', out)
    out = out.replace("<mo>‖</mo>", '<mo stretchy="false">‖</mo>')  # \lVert…\rVert: a fixed size, like \|
    out = _TIGHT_OPERATOR.sub(r'<mo\1 lspace="0em" rspace="0em">\2</mo>', out)
    return out.replace("{", "&#123;").replace("}", "&#125;")


def _formula(tex: str, display: bool) -> str:
    try:
        math = latex_to_mathml(tex, display)
    except Exception:  # noqa: BLE001 — any failure of the converter: show the source, keep the page
        log.warning("could not typeset %r; shown as source", tex, exc_info=True)
        source = html.escape(tex.strip()).replace("{", "&#123;").replace("}", "&#125;")
        return f'<code class="tex">{source}</code>'
    return math


@functools.lru_cache(maxsize=256)
def prose_html(text: str) -> str:
    """Markdown prose with ``$…$`` / ``$$…$$`` LaTeX → one line of XHTML with MathML equations."""
    formulas: list[tuple[str, bool]] = []

    def cut(match: re.Match) -> str:
        display = match.group(1) is not None
        formulas.append((match.group(1) if display else match.group(2), display))
        return _PLACEHOLDER.format(len(formulas) - 1)

    body = _MD.render(_MATH.sub(cut, text))
    rendered = [_formula(tex, display) for tex, display in formulas]
    # a display formula alone in its paragraph: a scrolling block instead of the <p>
    body = _DISPLAY_PARAGRAPH.sub(lambda m: f'<div class="math-display">{rendered[int(m.group(1))]}</div>', body)
    body = body.replace("{", "&#123;").replace("}", "&#125;")  # prose braces, before the MathML goes in
    body = _PLACEHOLDER_RE.sub(lambda m: rendered[int(m.group(1))], body)
    # One line (a blank line would end an HTML block for a Markdown parser), wrapped in one element.
    return "<div>" + body.replace("\n", "") + "</div>"
