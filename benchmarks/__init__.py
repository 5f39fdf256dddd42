"""Benchmarks for unspin: a spinner simulator, data loaders, metrics and the restore benchmark.

Nothing here ships with the library. Data sets are read from ``../shared`` (relative to the
repository root) when present; every set whose files are missing is skipped with a note.
"""
