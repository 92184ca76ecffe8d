"""The prose of the MNIST section (components/svm.py): its lead-in and the three figures' captions."""

LEAD_IN = r"""
Everything so far can be checked on real data.  Take two MNIST digits, say 2 and 3, keep the first
3000 training images of each, and train a linear classifier on them for each of the 81 values of λ
on our grid, $10^{-6}$ to $10^{2}$ (pixels in $[0, 1]$).  The three views below are linked to one λ
slider.  The first shows what the loss sees: the distribution of $y\,d(x)$ for each class under
the trained model, with the loss $f(\|w\|\,z)$ drawn on top.  The second places the training
points in the tilting plane spanned by the centroid direction $\hat z$ and the direction $\hat n$
in which $w$ leans away from it.  The third takes one image of each class and reflects it through
the boundary: the reflection $x_m = x - 2\,d(x)\,\hat w$ is the closest image the classifier
puts on the other side, an adversarial example.
"""

PLANE_CAPTION = (
    "Notice that the points move while the boundary barely turns: the plane is spanned by ẑ and by the "
    "part of w orthogonal to ẑ, so it rotates with w inside the 784-dimensional space, and the points' "
    "v-coordinates change as it does. The boundary is exactly cos θ·u + sin θ·v + b/‖w‖ = 0. At large λ, θ ≈ 0 "
    "and n̂ is undefined; the view then borrows n̂ from the neighbouring λ."
)

LOSS_CAPTION = (
    "Left (top, on a phone): y·d(x) per class with the loss scaled by ‖w‖ (dotted tick at 1/‖w‖). Right: the whole "
    "sweep. Notice err_train falls as λ shrinks while d_adv falls too: the model trades "
    "robustness for fitting."
)

MIRROR_CAPTION = (
    "Each image reflected through the boundary. For a hard pair such as 7 vs 9 at small λ the "
    "mirror still looks like the original yet is classified as the other digit; for 0 vs 1 it "
    "never does. Mirrors are computed from the current w."
)
