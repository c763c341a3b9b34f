"""``make bench``: the book's training against the articles' own code (``bench/README.md``).

``bench.reference`` is each article experiment written as its article writes
it; ``bench.run`` runs it beside every chapter on each Keras backend,
``bench.sweep`` measures seed sweeps, ``bench.gemm`` and ``bench.flops`` give
the arithmetic yardstick, ``bench.report`` the tables and targets, and
``bench.build_times`` times the maintainers' commands.
"""
