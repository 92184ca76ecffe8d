"""Build-once JSON caches keyed by source digests: the names of ``store.cache`` (shim: its users import store.cache
directly once they move onto views.frames; removed at integration)."""

from store.cache import json_cached, source_digest  # noqa: F401
