"""Benchmarks: report rendering, the scale seed and the HTTP load benchmark."""
