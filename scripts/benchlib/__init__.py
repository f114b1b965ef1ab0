"""Helpers for scripts/bench.py: anchor virtualenvs, the emulator process, the per-venv worker, the report.

`worker.py` is run as a plain script inside each anchor's virtualenv and imports nothing from here.
"""
