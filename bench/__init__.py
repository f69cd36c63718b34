"""Benches (docs/performance.md): in-process (run.py) and through the production server (http/run.py)."""
