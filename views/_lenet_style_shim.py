"""The article's palette, figure style and picture encoding for the LeNet views — shim: removed at integration.

On this branch they still live in components/common.py and components/mnist_data.py; stream R2 moves them into
views/.  The LeNet views import them from here only, so the switch is a change to this file alone.
"""

from components.common import DIVERGING_COLORSCALE, FONT, PALETTE, base_layout
from components.mnist_data import heatmap_uri, png_uri

__all__ = ["DIVERGING_COLORSCALE", "FONT", "PALETTE", "base_layout", "heatmap_uri", "png_uri"]
