"""Temporary bridge to names that still live in components/ (shim: removed at integration).

The toy, theory and neural views need the article's figure style, its picture codec and the frames
payload helpers.  Until they move under views/ (stream R2), they are imported here, in one place, so
switching them is a one-file change.
"""

from components import mnist_data as pictures
from components.common import PALETTE, base_layout
from components.frames import cached_payload, frames_payload, source_digest

__all__ = ["PALETTE", "base_layout", "cached_payload", "frames_payload", "pictures", "source_digest"]
