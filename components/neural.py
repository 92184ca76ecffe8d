"""§3 (first half): neural networks are locally linear; weight decay scales their local slopes.

Figure ``fig-nn-toy`` (built in views.neural): a small ReLU net (models.relu_toy) trained on a 2-D set at a
ladder of weight decays, showing its boundary and the local gradient norm ‖∇ₓs‖.  The LeNet section
(components.lenet) follows.
"""

from __future__ import annotations

import functools

from dash import html

from components.common import markdown, section
from components.grid_slider import grid_player, parse_on_grid, player_figure
from views import neural as nn_view
from views.formats import power_of_ten
from views.neural import DECAY_EXPONENTS, DEFAULT_DECAY

parse_decay_exponent = functools.partial(parse_on_grid, grid=DECAY_EXPONENTS, what="log10 weight decay")

DECAY = grid_player(
    "ctl-nn-decay",
    nn_view.NN_ID,
    440,
    nn_view.NN_READOUTS,
    DECAY_EXPONENTS,
    ("nn_decay", parse_decay_exponent),
    value=DEFAULT_DECAY,
    step=0.5,
    label="log₁₀ weight decay λ",
    valuetext=lambda e: f"weight decay λ = {power_of_ten(e, 1)}",
    marks={float(e): f"10^{int(e)}" for e in range(-5, 0)},
)
URL_STATE = DECAY.url_state


LOCAL_TEXT = r"""
Linear models are a good laboratory, but the adversarial examples that made headlines were found in deep
networks. Does the story carry over? Start with the smallest interesting case, a two-layer network with a ReLU
non-linearity $\varphi(u) = \max(u, 0)$ applied coordinate-wise:

$$
s(x) = W_2\,\varphi(W_1 x + b_1) + b_2 .
$$

Around any input $x$, each hidden unit is either active or silent, and that pattern does not change for small
moves of $x$. Let $W_1^{x}$ be $W_1$ with the rows of silent units set to zero (and $b_1^x$ likewise). Then near $x$
the network is *exactly* linear, $s(x) = W_2 W_1^{x} x + W_2 b_1^{x} + b_2$, and the same split as before applies:

$$
s(x) = \|W_2 W_1^{x}\|\; d(x),
$$

where $d(x)$ is the signed distance to the local linear boundary and $\|W_2 W_1^{x}\|$ is the local slope of the
score. So the network carries its own, location-dependent version of $\|w\|$, and it still rescales the loss.

What controls these local slopes? With weight decay, each gradient step also shrinks every weight,
$W \leftarrow W - \eta\lambda W$, so all products $W_2 W_1^{x}$ shrink together: weight decay lowers the local
scaling *everywhere at once*. By the argument of section 2, small slopes put the network in the regime that
maximizes the distance between the data and the boundary. High weight decay acts like a simple, cheap form of
adversarial training ([Madry et al., 2018](#ref-madry2018)): it asks every training point to sit far from the boundary, not merely on the correct side.

The figure trains the same small network — 24 ReLU units, same data, same random start — with nine weight
decays, and shows the slope $\|\nabla_x s\|$ (which equals $\|W_2 W_1^x\|$)[³](#fn-kinks) as a colour map.
"""

GENERAL_TEXT = r"""
For a general network — convolutions, max-pooling, many layers — the score is no longer piecewise linear in a
simple way, but the first-order picture survives: close to $x$,

$$
s(x) \approx \|\nabla_x s\|\; d(x), \qquad d(x) \approx \frac{s(x)}{\|\nabla_x s(x)\|},
$$

so $\|\nabla_x s\|$ plays the role of $\|w\|$. With ten classes the network outputs one score $s_i(x)$ per
class and a softmax turns them into probabilities. Scaling all scores by a common factor changes nothing about
the predicted class, only about the confidence; it is the same as a softmax **temperature** $t$
([Hinton et al., 2015](#ref-hinton2015)),

$$
p_i(x) = \frac{e^{s_i(x)/t}}{\sum_k e^{s_k(x)/t}} .
$$

A large slope corresponds to a low temperature: near-certain outputs, and a cross-entropy loss that only pays
attention to misclassified images — the $d_{err}$ regime. Weight decay raises the effective temperature and
brings back the $d_{adv}$ regime. Three observations suggest that today's deep networks sit firmly in the
low-temperature, under-regularized regime:

1. **They are over-confident.** Modern networks are poorly calibrated: their predicted probabilities are
   systematically too close to 0 and 1 ([Guo et al., 2017](#ref-guo2017)).
2. **They can fit anything.** The same architectures reach zero training error on images with random
   labels ([Zhang et al., 2017](#ref-zhang2017)) — plenty of capacity, little pressure toward large margins.
3. **They fall to linear attacks.** A single gradient step, as in the fast gradient sign method, is enough to fool
   them ([Goodfellow et al., 2015](#ref-goodfellow2015)), and iterating the linearization finds even smaller
   perturbations ([Moosavi-Dezfooli et al., 2016](#ref-moosavi2016)) — the signature of large local slopes.

The figures below test the prediction on a classic convolutional network for MNIST, LeNet
([LeCun et al., 1998](#ref-lecun1998)), in the configuration of the MatConvNet example
([Vedaldi & Lenc, 2015](#ref-vedaldi2015)): first the paper's two nets, LeNet_low and LeNet_high, then a
ladder of seven weight decays, several seeds, and nets trained adversarially for comparison. The figure
"Temperature and calibration against weight decay" measures this paragraph's prediction directly: for every
net, the temperature $t$ that calibrates its softmax and its calibration error at $t = 1$.
"""


def layout() -> html.Section:
    """§3 (text and the ReLU toy); components.lenet continues the section with LeNet on MNIST."""
    toy = player_figure(
        DECAY,
        [nn_view.nn_frame_set()],
        "Live toy · A ReLU network under weight decay",
        "Notice: with little weight decay the boundary bends around the three mislabelled points and the slope is "
        "steep everywhere; more decay flattens the slopes and straightens the boundary.",
    )
    return section(
        "neural", "3. Adversarial examples in neural networks", [markdown(LOCAL_TEXT), toy, markdown(GENERAL_TEXT)]
    )
