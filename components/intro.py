"""Introduction: adversarial examples everywhere, the open puzzle, and the plan of the article.

Prose only (plus the one convention used everywhere); the hero figure (components.hero) precedes it.
"""

from __future__ import annotations

from dash import html

from components.common import ORIGINAL_URL, PAPER_URL, markdown, section

INTRO_TEXT = rf"""
*This page rebuilds, recomputes and extends the interactive article
Thomas Tanay and Lewis D. Griffin's [A New Angle on L2 Regularization]({ORIGINAL_URL}) (2018; companion paper
[arXiv:1806.11186]({PAPER_URL}); [reference](#ref-tanay2018)). The ideas are theirs; the words, code and every number drawn here are ours.*

Take an image that a trained neural network classifies correctly and with confidence. Change every pixel by an
amount too small to see, in a carefully chosen direction, and the network now reports a different class —
often with even more confidence. Such inputs are called **adversarial examples**
([Szegedy et al., 2014](#ref-szegedy2014)). They are not a quirk of one architecture or one data set: every deep
network that has been tested so far, on digits, photographs or speech, turns out to have them, and the same
perturbation often fools several networks at once ([Goodfellow et al., 2015](#ref-goodfellow2015)).

This is a puzzle. The same networks generalize well: they classify *new* natural images correctly, so in some
sense they have captured what the classes look like. Yet points that are classified differently lie
extraordinarily close to almost every natural image. Is that an unavoidable consequence of working in a space
with hundreds of thousands of dimensions? A flaw of neural networks in particular? Or something that training,
done differently, could fix?

This article argues for a precise and rather simple answer in the setting where everything can be computed
exactly — **linear classification** — and then carries it over to neural networks. The short version, developed from an earlier
boundary-tilting account ([Tanay & Griffin, 2016](#ref-tanay2016)): adversarial examples appear when the decision boundary is *tilted* along directions of low variance in the
data, and how far it tilts is governed by how strongly the model is regularized. L2 regularization, the oldest
trick in the book ([Krogh & Hertz, 1992](#ref-krogh1992)), turns out to control the tilt.

The plan: a two-pixel toy problem where the whole phenomenon can be seen at once (section 1); the general
linear case, where a single identity links the typical distance of the data to the boundary with the tilt
(section 2), tested on linear SVMs trained on pairs of MNIST digits; and neural networks, where weight decay
plays the same role (section 3).
"""

CONVENTIONS_TEXT = r"""
**Conventions used throughout.** Images are vectors with pixel intensities in $[0, 1]$ (MNIST bytes divided by
255). A binary task uses two digits $X < Y$: class $I$ is digit $X$ with label $y = -1$, class $J$ is digit $Y$
with $y = +1$, and the training set holds the first 3000 training images of each digit. A linear classifier
$(w, b)$ has raw score $s(x) = w\cdot x + b$ and signed distance to its boundary $d(x) = s(x)/\|w\|$. Models are
trained by minimizing $\frac1n\sum f(y\,s(x)) + \lambda\|w\|^2$ (the bias is not penalized), with $\lambda$ on a
grid of 81 values from $10^{-6}$ to $10^{2}$.[¹](#fn-lambda)
"""


def layout() -> html.Section:
    """The introduction: the phenomenon, the puzzle, the plan and the conventions."""
    return section(
        "intro",
        "Adversarial examples: a puzzle",
        [
            markdown(INTRO_TEXT),
            html.Div(markdown(CONVENTIONS_TEXT), className="conventions"),
        ],
    )
