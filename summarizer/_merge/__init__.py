"""One record per signing, however many stories report it.

- `signing`: an agreement as merging sees it, and whether two report the same signing.
- `cluster`: `merge()`, grouping every story's agreements into signings.
- `records`: `AgreementRecord`, each value with every story that gives it.
"""
