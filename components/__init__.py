"""The article, one module per section, in reading order.

Each section module exposes ``layout() -> dash component`` (its prose, equations and figures) and
registers its callbacks with ``dash.callback`` at import time.  Figure builders are pure functions
``make_<figure>(data, params) -> go.Figure`` so they can be unit-tested without a server.

``SECTIONS`` is the reading order; a module that does not exist yet is skipped by components.page.
"""

SECTIONS = (
    "components.hero",  # F1
    "components.intro",
    "components.toy",  # §1: F2–F7
    "components.linear_theory",  # §2: scaling the loss (F8), d_adv and θ (F9)
    "components.svm",  # §2: SVM/logistic on MNIST (F10–F12)
    "components.neural",  # §3: 2-layer ReLU toy, general case
    "components.lenet",  # §3: LeNet figures (F13–F16, ladder, draw a digit)
    "components.closing",  # §4, references, footnotes, credits
)
