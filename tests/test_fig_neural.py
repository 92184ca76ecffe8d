"""§3 ReLU toy: exact input gradients, weight decay shrinks ‖∇ₓs‖, the figure and its parser."""

from __future__ import annotations

import numpy as np
import pytest

from components import neural as neural_section
from models import relu_toy
from views import frames as F
from views import neural
from views import pictures as md


def test_input_gradients_match_finite_differences():
    X, y = relu_toy.toy_clusters()
    net = relu_toy.train(X, y, 1e-3, steps=200)
    rng = np.random.default_rng(1)
    pts = rng.uniform(-0.9, 0.9, size=(20, 2))
    g = relu_toy.input_gradients(net, pts)
    eps = 1e-6
    for k in range(2):
        e = np.zeros(2)
        e[k] = eps
        fd = (relu_toy.scores(net, pts + e) - relu_toy.scores(net, pts - e)) / (2 * eps)
        np.testing.assert_allclose(g[:, k], fd, atol=1e-4)


def test_loss_gradients_match_finite_differences():
    X, y = relu_toy.toy_clusters()
    net = relu_toy.init_net()
    decay = 1e-2
    _, (gW1, _, gW2, gb2) = relu_toy.loss_and_grads(net, X, y, decay)
    eps = 1e-6

    def loss_with(W1=net.W1, W2=net.W2, b2=net.b2):
        return relu_toy.loss_and_grads(relu_toy.Net(W1, net.b1, W2, b2), X, y, decay)[0]

    for idx in [(0, 0), (3, 1), (10, 0)]:
        W1p, W1m = net.W1.copy(), net.W1.copy()
        W1p[idx] += eps
        W1m[idx] -= eps
        assert gW1[idx] == pytest.approx((loss_with(W1=W1p) - loss_with(W1=W1m)) / (2 * eps), abs=1e-6)
    W2p, W2m = net.W2.copy(), net.W2.copy()
    W2p[5] += eps
    W2m[5] -= eps
    assert gW2[5] == pytest.approx((loss_with(W2=W2p) - loss_with(W2=W2m)) / (2 * eps), abs=1e-6)
    assert gb2 == pytest.approx((loss_with(b2=net.b2 + eps) - loss_with(b2=net.b2 - eps)) / (2 * eps), abs=1e-6)


def test_training_is_deterministic():
    X, y = relu_toy.toy_clusters()
    a = relu_toy.train(X, y, 1e-3, steps=100)
    b = relu_toy.train(X, y, 1e-3, steps=100)
    np.testing.assert_array_equal(a.W1, b.W1)
    np.testing.assert_array_equal(a.W2, b.W2)


def test_weight_decay_shrinks_local_slopes():
    frames = neural.nn_frames()
    g = [f.median_grad_norm for f in frames]
    assert all(x >= y for x, y in zip(g, g[1:], strict=False)), g  # monotone along the decay grid
    assert g[0] > 10 * g[-1]
    assert frames[0].train_error <= frames[-1].train_error  # weak decay fits the noisy points better
    assert frames[-1].train_error < 10  # strong decay still classifies the clusters
    assert frames[0].grad_norm_grid.max() > frames[-1].grad_norm_grid.max()


def test_nn_figure_and_readouts():
    frames = neural.nn_frames()
    zr = neural.grad_range(frames)
    fig = neural.make_nn_toy(frames[0], zr)
    types = [t.type for t in fig.data]
    assert types == ["heatmap", "scatter", "scatter", "scatter"]
    heat = fig.data[0]
    assert (heat.zmin, heat.zmax) == zr and heat.opacity == 0  # hover and colour bar; the picture is drawn above
    z = np.round(np.log10(np.maximum(frames[0].grad_norm_grid, 1e-3)), 2)
    np.testing.assert_allclose(heat.z, z)
    # the picture: the same values on 256 levels of the colour range, top row = largest y (an upward axis)
    (img,) = fig.layout.images
    levels = md.png_values(img.source, 0)
    np.testing.assert_array_equal(levels, np.rint((np.clip(z, *zr) - zr[0]) / (zr[1] - zr[0]) * 255)[::-1])
    axis = relu_toy.grid_axis(z.shape[0])
    cell = axis[1] - axis[0]
    assert img.x == pytest.approx(axis[0] - cell / 2) and img.y == pytest.approx(axis[-1] + cell / 2)
    assert img.sizex == pytest.approx(cell * len(axis)) and img.layer == "below"
    assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text
    assert "‖∇ₓs‖" in heat.colorbar.title.text
    ro = neural.nn_readouts(frames[0])
    assert ro[0] == "1e-05" and ro[2] == f"{frames[0].median_grad_norm:.2f}"


def test_payload_readouts_decrease_along_slider():
    payload = neural.nn_frame_set()
    F.validate(payload)
    assert payload["values"] == [float(v) for v in relu_toy.DECAY_EXPONENTS]
    grads = [float(f["readouts"][2]) for f in payload["frames"]]
    assert grads[0] > grads[-1]


@pytest.mark.parametrize("bad", ["0", "-6", "abc", "nan", "-inf"])
def test_parse_decay_rejects(bad):
    with pytest.raises(ValueError):
        neural_section.parse_decay_exponent(bad)


def test_parse_decay_snaps():
    assert neural_section.parse_decay_exponent("-2.6") == pytest.approx(-2.5)


def test_zero_contour_lies_on_the_boundary_and_is_one_curve_per_component():
    from scipy.interpolate import RegularGridInterpolator

    frame = neural.nn_frames()[3]
    axis = relu_toy.grid_axis(frame.score_grid.shape[0])
    xs, ys = neural.zero_contour(axis, frame.score_grid)
    pts = np.array([(x, y) for x, y in zip(xs, ys, strict=True) if x is not None])
    s = RegularGridInterpolator((axis, axis), frame.score_grid)(pts[:, ::-1])  # (y, x) order
    scale = np.abs(frame.score_grid).max()
    assert len(pts) > 20 and np.abs(s).max() < 1e-3 * scale  # on cell edges, linear interpolation is exact
    # a circle around the origin (through no grid node): one closed polyline, every point near that radius
    grid = np.array([[np.hypot(x, y) - 0.513 for x in axis] for y in axis])
    cx, cy = neural.zero_contour(axis, grid)
    assert None not in cx and (cx[0], cy[0]) == (cx[-1], cy[-1])
    assert np.allclose(np.hypot(cx, cy), 0.513, atol=0.02)
    assert neural.zero_contour(axis, np.ones((len(axis), len(axis)))) == ([], [])


def test_boundary_of_the_figure_is_the_zero_contour():
    frames = neural.nn_frames()
    fig = neural.make_nn_toy(frames[0], neural.grad_range(frames))
    line = fig.data[1]
    axis = relu_toy.grid_axis(frames[0].score_grid.shape[0])
    xs, ys = neural.zero_contour(axis, frames[0].score_grid)
    assert list(line.x) == xs and list(line.y) == ys
    assert line.name == "boundary s = 0" and line.mode == "lines"
