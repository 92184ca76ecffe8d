"""shim: removed at integration — artifacts moved to store.artifacts; components/, views/ stand-ins and their
tests still import from here."""

from store.artifacts import (  # noqa: F401  # shim: removed at integration
    MANIFEST,
    ArtifactError,
    atomic_write_bytes,
    load_npz,
    manifest_folders,
    npz_bytes,
    read_manifest,
    sha256_file,
    verify_folder,
    write_manifest,
)
