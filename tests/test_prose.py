"""Prose typeset on the server: Markdown → XHTML with MathML equations (components/prose.py), no MathJax."""

from __future__ import annotations

import importlib
import re
import xml.etree.ElementTree as ET

import pytest

from components import SECTIONS
from components.common import markdown
from components.prose import latex_to_mathml, prose_html

MATH_NS = "{http://www.w3.org/1998/Math/MathML}"


def _section_texts() -> list[tuple[str, str]]:
    """Every Markdown string the sections hand to ``markdown()`` (module-level str constants with a $…$)."""
    out = []
    for name in SECTIONS:
        mod = importlib.import_module(name)
        for attr, value in vars(mod).items():
            if isinstance(value, str) and attr.isupper() and re.search(r"\$[^$]+\$", value):
                out.append((f"{name}.{attr}", value))
    return out


TEXTS = _section_texts()


def _parse(markup: str) -> ET.Element:
    """The prose is well-formed XML (any parser reads it alike); MathML gets its namespace here."""
    return ET.fromstring(markup.replace("<math", f'<math xmlns="{MATH_NS[1:-1]}"'))


def test_the_article_has_equations_to_convert():
    assert len(TEXTS) >= 15
    assert sum(len(re.findall(r"\$\$", t)) for _, t in TEXTS) >= 20  # ≥ 10 display equations


@pytest.mark.parametrize("name,text", TEXTS, ids=[n for n, _ in TEXTS])
def test_every_equation_becomes_mathml(name, text):
    out = prose_html(text)
    assert "$" not in out, f"{name}: LaTeX delimiters left"
    assert "\\" not in out, f"{name}: a LaTeX command left"
    assert 'class="tex"' not in out, f"{name}: a formula could not be typeset"
    assert "\n" not in out and "{" not in out and "}" not in out  # one line, no JSX expressions
    n_formulas = len(re.findall(r"\$\$(.+?)\$\$|\$([^$]+?)\$", text, re.S))
    root = _parse(out)
    maths = root.findall(f".//{MATH_NS}math")
    assert len(maths) == n_formulas
    n_display = text.count("$$") // 2
    assert len([m for m in maths if m.get("display") == "block"]) == n_display


def test_markdown_builds_a_component_without_mathjax():
    """The prose div carries its XHTML for assets/prose.js to put in the page: no Markdown/JSX parsing, no MathJax."""
    md = markdown("Minimize $\\lambda\\|w\\|^2$.\n\n$$\nd = \\frac{1}{n}\\sum_x y\\,d(x)\n$$\n")
    j = md.to_plotly_json()
    assert (j["namespace"], j["type"]) == ("dash_html_components", "Div")
    props = j["props"]
    assert props["className"] == "prose" and not props.get("children")
    root = _parse(props["data-prose"])
    assert root.find(f".//{MATH_NS}mfrac") is not None and root.find(f".//{MATH_NS}munder") is not None
    display = root.find("div[@class='math-display']")
    assert display is not None and display[0].get("display") == "block"
    assert root.find("p").text.startswith("Minimize")


def test_typesetting_details():
    assert "<mi>λ</mi>" in latex_to_mathml("\\lambda")  # characters, not references
    assert "<mo>ˆ</mo></mover>" in latex_to_mathml("\\hat w")  # the accent glyph, not a caret
    assert '<mo form="prefix">−</mo><mn>1</mn>' in latex_to_mathml("y = -1")  # a sign, not a binary minus
    assert "<mo>−</mo><mi>b</mi>" in latex_to_mathml("a - b")
    assert '<mi>max</mi><mo stretchy="false">(' in latex_to_mathml("\\max(z, 0)")
    assert '<mspace width="0.167em" /><mi>cos</mi><mspace width="0.167em" /><mi>θ</mi>' in latex_to_mathml(
        "0.8\\cos\\theta"
    )
    assert "<msup>" not in latex_to_mathml("x'")  # the prime beside x, not raised twice
    assert "<mtable" in latex_to_mathml("\\begin{align*} a &= b \\\\ &= c \\end{align*}", display=True)


def test_markup_in_prose_is_escaped_and_braces_are_not_jsx():
    out = prose_html("<script>alert(1)</script> {x} & *em* $a < b$ [link](#fn-1)")
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "{" not in out and "&#123;x&#125;" in out
    root = _parse(out)
    assert root.find(".//em").text == "em" and root.find(".//a").get("href") == "#fn-1"
    assert root.find(f".//{MATH_NS}mo").text == "<"


def test_unreadable_latex_is_shown_as_source_not_a_broken_page():
    out = prose_html("before $\\frac{1}{$ after and $x$")  # an unbalanced brace
    root = _parse(out)
    assert root.find(".//code[@class='tex']") is not None
    assert root.find(f".//{MATH_NS}math") is not None and "after" in out


def test_dollar_signs_that_are_not_math():
    out = prose_html("It costs \\$5 and \\$6.")
    assert "<math" not in out and "$5" in out
