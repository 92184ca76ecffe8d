"""§4 Thoughts moving forward, then references, footnotes and credits (the end of the page)."""

from __future__ import annotations

from dash import html

from components.common import ORIGINAL_URL, PAPER_URL, markdown, section

THOUGHTS_TEXT = r"""
The argument of this article fits in a few lines. A classifier's score is a *scale* times a *distance*. The loss
sees both, but only the distance is geometry; L2 regularization fixes the scale, and with it which distances the
training cares about. Weakly regularized models minimize the depth of their errors and are free to tilt their
boundary along directions in which the data barely varies; the typical distance from the data to the boundary
then collapses like $\cos\theta$, and adversarial examples are what remains. Strongly regularized models keep
the data far from the boundary on average, at the price of a few more training errors.

Several questions stay open.

* **Deeper, more non-linear networks benefit less.** In a linear model a single number, $\|w\|$, sets the scale
  everywhere. In a deep network the local slope $\|\nabla_x s\|$ varies from one input to the next, and
  penalizing the weights only bounds it loosely: the product of many small matrices can still be steep in places.
  The original study found weight decay to help a shallow LeNet; nothing guarantees that it helps a very deep
  network as much.
* **The scale of the logits deserves attention of its own.** If over-confident, low-temperature networks are the
  problem, then the scale of the final scores is a quantity to monitor and control directly — through weight decay,
  through the temperature of the softmax, or through penalties on $\|\nabla_x s\|$ — rather than a by-product of
  training.
* **Robustness has a price in accuracy.** Maximizing $d_{adv}$ and minimizing $d_{err}$ pull in different directions.
  Where a data set sits on that trade-off, and whether better architectures can move the whole curve, is an
  empirical question that small, exact models like the ones above make easy to ask.
"""

REFERENCES = [
    (
        "szegedy2014",
        "Szegedy, C., Zaremba, W., Sutskever, I., Bruna, J., Erhan, D., Goodfellow, I. and Fergus, R. (2014). "
        "Intriguing properties of neural networks. International Conference on Learning Representations (ICLR).",
        "https://arxiv.org/abs/1312.6199",
    ),
    (
        "goodfellow2015",
        "Goodfellow, I. J., Shlens, J. and Szegedy, C. (2015). Explaining and harnessing adversarial "
        "examples. International Conference on Learning Representations (ICLR).",
        "https://arxiv.org/abs/1412.6572",
    ),
    (
        "tanay2016",
        "Tanay, T. and Griffin, L. D. (2016). A boundary tilting perspective on the phenomenon of "
        "adversarial examples. arXiv preprint arXiv:1608.07690.",
        "https://arxiv.org/abs/1608.07690",
    ),
    (
        "tanay2018",
        "Tanay, T. and Griffin, L. D. (2018). A new angle on L2 regularization. arXiv preprint "
        "arXiv:1806.11186; interactive article.",
        PAPER_URL,
    ),
    (
        "zhang2017",
        "Zhang, C., Bengio, S., Hardt, M., Recht, B. and Vinyals, O. (2017). Understanding deep learning "
        "requires rethinking generalization. International Conference on Learning Representations (ICLR).",
        "https://arxiv.org/abs/1611.03530",
    ),
    (
        "guo2017",
        "Guo, C., Pleiss, G., Sun, Y. and Weinberger, K. Q. (2017). On calibration of modern neural networks. "
        "International Conference on Machine Learning (ICML).",
        "https://arxiv.org/abs/1706.04599",
    ),
    (
        "hinton2015",
        "Hinton, G., Vinyals, O. and Dean, J. (2015). Distilling the knowledge in a neural network. "
        "NIPS Deep Learning Workshop; arXiv:1503.02531.",
        "https://arxiv.org/abs/1503.02531",
    ),
    (
        "moosavi2016",
        "Moosavi-Dezfooli, S.-M., Fawzi, A. and Frossard, P. (2016). DeepFool: a simple and accurate "
        "method to fool deep neural networks. IEEE Conference on Computer Vision and Pattern Recognition (CVPR).",
        "https://arxiv.org/abs/1511.04599",
    ),
    (
        "madry2018",
        "Madry, A., Makelov, A., Schmidt, L., Tsipras, D. and Vladu, A. (2018). Towards deep learning "
        "models resistant to adversarial attacks. International Conference on Learning Representations (ICLR).",
        "https://arxiv.org/abs/1706.06083",
    ),
    (
        "krogh1992",
        "Krogh, A. and Hertz, J. A. (1992). A simple weight decay can improve generalization. Advances in "
        "Neural Information Processing Systems 4 (NIPS), 950–957.",
        None,
    ),
    (
        "vedaldi2015",
        "Vedaldi, A. and Lenc, K. (2015). MatConvNet: convolutional neural networks for MATLAB. "
        "Proceedings of the 23rd ACM International Conference on Multimedia.",
        "https://arxiv.org/abs/1412.4564",
    ),
    (
        "lecun1998",
        "LeCun, Y., Bottou, L., Bengio, Y. and Haffner, P. (1998). Gradient-based learning applied to "
        "document recognition. Proceedings of the IEEE 86(11), 2278–2324. (The MNIST database and LeNet.)",
        None,
    ),
]

FOOTNOTES = [
    (
        "fn-lambda",
        r"Our pixels are in $[0, 1]$, so the interesting range of $\lambda$ is $10^{-6}$ to $10^{2}$. "
        r"The original article quoted $10^{-1}$ to $10^{7}$ because it used raw intensities from 0 to 255: scaling the "
        r"inputs by 255 scales the optimal $w$ by $1/255$ and moves $\lambda$ by a factor of about $255^2 \approx 6.5\cdot 10^4$. "
        r"The two grids describe the same family of classifiers.",
    ),
    (
        "fn-asymptotic",
        r"These are statements about the limit of large $\|w\|$. A small $d_{err}$ does not guarantee a "
        r"low training error: many shallow mistakes can have the same $d_{err}$ as a few deep ones.",
    ),
    (
        "fn-kinks",
        r"Everywhere except on the kinks where a hidden unit switches between active and silent — a set of "
        r"measure zero, where the gradient is not defined.",
    ),
]

CREDITS_TEXT = rf"""
**Credits.** This page is an independent, interactive rebuild of
Thomas Tanay and Lewis D. Griffin's [*A New Angle on L2 Regularization*]({ORIGINAL_URL}) (2018), with its
companion paper [arXiv:1806.11186]({PAPER_URL}). The argument, equations, hyperparameters and published numbers
come from their work; the prose, code, figures and every computed number on this page were written and computed
anew for this project (Dash and Plotly in Python; numpy, scipy, scikit-learn and PyTorch for the models). MNIST is
by Yann LeCun, Corinna Cortes and Christopher Burges. The colour palette is Okabe and Ito's colour-blind-safe set.
"""


def _reference_items() -> list[html.Li]:
    items = []
    for rid, text, url in REFERENCES:
        children = [text] + ([" ", html.A("link", href=url)] if url else [])
        items.append(html.Li(children, id=f"ref-{rid}"))
    return items


def layout() -> html.Section:
    """§4, references (ids ``ref-…``), footnotes (ids ``fn-…``) and the full credits."""
    return section(
        "closing",
        "4. Thoughts moving forward",
        [
            markdown(THOUGHTS_TEXT),
            html.H3("References", id="references"),
            html.Ol(_reference_items(), className="references"),
            html.H3("Footnotes", id="footnotes"),
            html.Ol([html.Li(markdown(text), id=fid) for fid, text in FOOTNOTES], className="footnotes"),
            html.Div(markdown(CREDITS_TEXT), className="credits-block", id="credits-full"),
        ],
    )
