"""Summaries into a database: normalised tables that join, on SQLite or PostgreSQL.

- `tables`: the tables (SQLAlchemy Core) and the schema's version.
- `rows`: a results line as the rows of every table.
- `store`: `Database`, which opens (creating or upgrading the schema) and writes.

SQLAlchemy loads when a database is first opened, not with the package.
"""
