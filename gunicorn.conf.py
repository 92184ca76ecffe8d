"""gunicorn settings of the checkout (``make serve``, the container image): the package's own, in
serving/gunicorn_conf.py, which the installed ``l2angle-serve`` command loads too."""

from serving.gunicorn_conf import *  # noqa: F403
from serving.gunicorn_conf import post_worker_init, when_ready  # noqa: F401  (gunicorn's hooks, named)
