"""Reproducible benchmark suite: engine backends against a naive pandas baseline."""
