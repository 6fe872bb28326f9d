"""Scoring summaries against a gold set.

- `gold`: the gold set, its format (`GoldFile`) and how a folder of it is read.
- `matching`: when a summary's value is the gold one (names folded, lists paired).
- `scoring`: one article's outcome against its gold file, field by field.
- `harness`: runs (live, cached or replayed) and their scorecards, saved and read back.
- `terminal`: a scorecard, or two side by side, as tables on a terminal.
"""
