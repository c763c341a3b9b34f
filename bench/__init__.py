"""Benchmarks of the book's training runs against plain reference implementations.

``bench.reference`` holds one reference experiment per article model that a
chapter trains; ``bench.flops`` counts their matrix-multiply FLOPs.
"""
