"""§2 (theory): how ‖w‖ scales the loss (F8 ``fig-loss-scaling``) and d_adv = ½‖j − i‖ cos θ (F9 ``fig-dadv-geometry``).

Prose, controls and permalinks; both figures and their frame sets are built in views.theory (F8 draws a real
histogram of y·d(x) from the 2-vs-3 hinge sweep and degrades to the loss curves alone, with a clear note,
while that artifact is missing).  The SVM-on-MNIST section (components.svm) follows this one.
"""

from __future__ import annotations

import functools

from dash import html

from components.common import markdown, section
from components.grid_slider import grid_player, parse_on_grid, player_figure
from components.toy import theta_player
from views import theory
from views.formats import power_of_ten
from views.theory import DEFAULT_WNORM, WNORM_EXPONENTS

parse_wnorm_exponent = functools.partial(parse_on_grid, grid=WNORM_EXPONENTS, what="log10 ‖w‖")

WNORM = grid_player(
    "ctl-wnorm",
    theory.LOSS_ID,
    380,
    theory.WNORM_READOUTS,
    WNORM_EXPONENTS,
    ("wnorm", parse_wnorm_exponent),
    value=DEFAULT_WNORM,
    step=0.05,
    label="log₁₀ ‖w‖ (scale of the weights)",
    valuetext=lambda e: f"‖w‖ = {power_of_ten(e)}",
    marks={-1.5: "0.03", -1: "0.1", 0: "1", 1: "10", 1.5: "30"},
)
DADV_LABEL = "θ (angle between w and j − i, degrees)"
DADV = theta_player("ctl-dadv-theta", theory.DADV_ID, 420, theory.DADV_READOUTS, "dadv_theta", DADV_LABEL)
URL_STATE = {**WNORM.url_state, **DADV.url_state}


# ---------------------------------------------------------------------------------------------
# Prose and layout

SCALING_TEXT = r"""
The toy problem suggests a mechanism: regularization controls the tilt, and the tilt controls how strong the
adversarial examples are. To see why this happens in general, split the raw score of a linear classifier
into a **length** and a **distance**. Writing $d(x) = (w\cdot x + b)/\|w\|$ for the signed distance from $x$ to
the boundary,

$$
s(x) = w\cdot x + b = \|w\|\, d(x).
$$

The loss a training image pays is therefore $f\big(y\, s(x)\big) = f\big(\|w\|\, y\, d(x)\big)$. Read it this way:
the *geometry* of the classifier (where the boundary is) only enters through $y\,d(x)$, while $\|w\|$ merely
rescales the horizontal axis of the loss function,

$$
f_{\|w\|}(z) = f(\|w\|\, z).
$$

And $\|w\|$ is exactly what the penalty $\lambda\|w\|^2$ acts on. Choosing $\lambda$ is choosing which
version of the loss the boundary gets trained with. The figure below shows a real training set — the
6000 images of the MNIST pair 2 vs 3 — as a histogram of $y\,d(x)$ for a trained linear SVM, and draws
each loss rescaled by the $\|w\|$ of your choice.
"""

APPROX_TEXT = r"""
Two regimes stand out.

**Large $\|w\|$ (small $\lambda$).** The hinge $\max(1 - \|w\|z, 0)$ and the softplus $\ln(1 + e^{-\|w\|z})$ both
approach $\|w\|\max(-z, 0)$: correctly classified images cost (almost) nothing and each misclassified image costs
$\|w\|$ times its distance beyond the boundary. Minimizing the loss then means minimizing the **error distance**

$$
d_{err} = \frac{1}{n}\sum_{x \text{ misclassified}} {-y}\, d(x),
$$

the average depth of the mistakes.[²](#fn-asymptotic)

**Small $\|w\|$ (large $\lambda$).** Now $\|w\|\,y\,d(x)$ is small for every image and a first-order expansion is
accurate: $f(\|w\| z) \approx \alpha - \beta\,\|w\|\, z$, with $(\alpha, \beta) = (1, 1)$ for the hinge (as long as every
image sits inside the margin) and $(\ln 2, \tfrac12)$ for the softplus. Averaged over the training set the loss
becomes $\alpha - \beta\|w\|\, d_{adv}$, where

$$
d_{adv} = \frac{1}{n}\sum_{x} y\, d(x)
$$

is the mean signed distance of the training images to the boundary. Minimizing the loss now means
**maximizing $d_{adv}$** — pushing the bulk of both classes as far from the boundary as possible, errors included.

In one sentence: *a low $\lambda$ makes the classifier care about its errors ($d_{err}$); a high $\lambda$ makes it
care about its typical distance to the data ($d_{adv}$).* Intermediate values trade one for the other.
"""

DADV_TEXT = r"""
Why call $d_{adv}$ the *adversarial* distance? Because on balanced data it is fixed by the tilt alone. Let $i$ and
$j$ be the centroids of classes $I$ and $J$ (with $n/2$ images each), $\hat w = w/\|w\|$ and $\theta$ the angle
between $w$ and $j - i$. Then

$$
\begin{align*}
d_{adv} &= \frac{1}{n}\sum_x y\,\frac{w\cdot x + b}{\|w\|}
= \frac{1}{2}\Big(\hat w\cdot j + \tfrac{b}{\|w\|}\Big) - \frac{1}{2}\Big(\hat w\cdot i + \tfrac{b}{\|w\|}\Big) \\
&= \frac{1}{2}\,\hat w\cdot(j - i) = \frac{1}{2}\,\|j - i\|\cos\theta .
\end{align*}
$$

The bias cancels and only the angle is left. Two consequences follow at once.

* $d_{adv}$ is largest when $\theta = 0$, i.e. when $w$ points along $j - i$: the **nearest-centroid classifier**
  maximizes the adversarial distance.
* As $\theta \to \pi/2$, $d_{adv} \to 0$ whatever the training error: typical images sit arbitrarily close to the
  boundary, and a perturbation of size about $d_{adv}$ along $\hat w$ turns them into adversarial examples that look
  unchanged. This is the toy problem's mirror image, in any dimension.

The figure makes the identity concrete: the measured mean of $y\,d(x)$ and the formula agree for every tilt,
and the band of half-width $d_{adv}$ around the boundary always passes through the two centroids.
"""

HANDOVER_TEXT = r"""
So regularization and robustness are linked through $\|w\|$: high $\lambda$ favours a large $d_{adv}$, hence a
small tilt and weak adversarial examples; low $\lambda$ favours a small $d_{err}$, which may cost a strong tilt.
The next section checks this on real data by training linear SVMs on pairs of MNIST digits.
"""


def _loss_block() -> html.Figure:
    hist = theory.load_histogram()
    if hist:
        trained = f"This model (λ = {hist['lam']:.0e}) was trained with ‖w‖ = {hist['w_norm']:.3g}."
        note = []
    else:
        trained = "The histogram appears once the 2-vs-3 sweep is computed."
        missing = "The 2-vs-3 SVM sweep is not computed yet (python -m worker precompute): the histogram will appear "
        note = [html.Div(missing + "here; the loss curves already work.", className="figure-note")]
    return player_figure(
        WNORM,
        [theory.loss_scaling_frames(hist)],
        "Figure 8 · ‖w‖ rescales the loss, not the geometry",
        "Notice: the histogram never moves and the 0-1 loss never changes; the hinge and softplus penalize a wide "
        "band of correct images when ‖w‖ is small, and only the errors when ‖w‖ is large. " + trained,
        note=note,
        wide=True,
    )


def layout() -> html.Section:
    """§2 theory: scaling the loss (F8), the two regimes, d_adv and the tilting angle (F9)."""
    dadv = player_figure(
        DADV,
        [theory.dadv_frames()],
        "Figure 9 · The adversarial distance is set by the tilt",
        "Notice: the band edges always run through the centroids i and j, and the band narrows like cos θ as the "
        "boundary tilts — the measured d_adv equals ½‖j − i‖ cos θ at every angle.",
    )
    return section(
        "linear",
        "2. Adversarial examples in linear classification",
        [
            markdown(SCALING_TEXT),
            _loss_block(),
            markdown(APPROX_TEXT),
            markdown(DADV_TEXT),
            dadv,
            markdown(HANDOVER_TEXT),
        ],
    )
