"""shim: removed at integration — artifacts moved to store.artifacts; components/ and their tests still import
``atomic_write_bytes`` and ``ArtifactError`` from here."""

from store.artifacts import ArtifactError, atomic_write_bytes  # noqa: F401  # shim: removed at integration
