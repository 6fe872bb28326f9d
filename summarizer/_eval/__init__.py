"""Scoring summaries against a gold set.

- `harness`: the gold format, per-field precision, recall and F1, and runs (live, cached or
  replayed).
- `terminal`: a report, or two side by side, as tables on a terminal.
"""
