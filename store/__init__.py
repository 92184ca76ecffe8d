"""The one loader and writer of artifacts and caches.

    store.artifacts   manifests, checksums, atomic writes, deterministic .npz, the one artifact checker
    store.cache       build-once caches (memory, then file, then built once across processes under a lock)
    store.mnist       the committed MNIST files, verified, and the pair data sets
    store.sweeps      the 90 λ-sweep artifacts
    store.lenet       LeNet checkpoints (found by scanning precomputed/lenet/*/manifest.json) and analyses

Every reader of precomputed/ goes through here, so every read is checked against its manifest.
"""
