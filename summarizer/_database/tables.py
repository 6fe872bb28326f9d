"""The database's tables, SQLAlchemy Core, the same on SQLite and PostgreSQL.

Every row names its article (`article_id`, the item's id), so re-writing an article deletes
and inserts its rows in one transaction: an export or a batch run again updates, never
duplicates. A fact's row and its evidence join on `(agreement_id, path)`: the fact's place
in the summary, as `meta.dropped` names places ("parties[1]", "threat_groups[0].origin").
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

__all__ = [
    "ARTICLE_TABLES",
    "RECORD_TABLES",
    "SCHEMA_VERSION",
    "agreement_records",
    "agreements",
    "aims",
    "articles",
    "evidence",
    "group_facts",
    "metadata",
    "parties",
    "record_sources",
    "settings",
    "signatories",
    "threat_groups",
    "venues",
]

# 1: articles, agreements and their facts, one evidence row per fact.
# 2: agreement_records and record_sources, one record per signing (`summarizer merge`).
SCHEMA_VERSION = 2

metadata = MetaData()

# The database's own settings: its schema version, which `Database` upgrades from.
settings = Table(
    "summarizer_settings",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

articles = Table(
    "articles",
    metadata,
    Column("id", Text, primary_key=True),  # the item's id in its batch
    Column("status", String(16), nullable=False),  # summarized, no_agreement, failed
    Column("sha256", String(64)),
    Column("language", String(8)),
    Column("page_url", Text),
    Column("page_title", Text),
    Column("page_published", Date),
    Column("dateline_place", Text),
    Column("dateline_city", Text),
    Column("dateline_country", String(2)),
    Column("dateline_filed_on", Date),
    Column("dateline_agency", Text),
    Column("model", Text),
    Column("prompt_version", String(16)),
    Column("schema_version", String(16)),
    Column("agreements", Integer, nullable=False),  # how many the story reports
    Column("no_agreement_reason", Text),
    Column("error_type", Text),
    Column("error_message", Text),
    # What this run spent on the item (zero for an answer from the cache): sums to the bill.
    Column("prompt_tokens", Integer, nullable=False),
    Column("completion_tokens", Integer, nullable=False),
    Column("total_tokens", Integer, nullable=False),
    Column("cached", Boolean, nullable=False),
    # The results line this row was written from: an export skips lines already written.
    Column("line_sha256", String(64), nullable=False),
)


def _article_id() -> Column[str]:
    return Column(
        "article_id", Text, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False,
        index=True,
    )  # fmt: skip


def _agreement_id(*, primary_key: bool = True) -> Column[str]:
    return Column(
        "agreement_id", Text, ForeignKey("agreements.id", ondelete="CASCADE"),
        primary_key=primary_key,
    )  # fmt: skip


def _listed(name: str, *columns: Column[object]) -> Table:
    """A table of one of an agreement's lists (its parties, aims, ...): a row per item,
    keyed by the agreement and the item's place, with the path its evidence joins on."""
    return Table(
        name, metadata, _agreement_id(), Column("position", Integer, primary_key=True),
        _article_id(), Column("path", Text, nullable=False), *columns,
    )  # fmt: skip


def _named(*, required: bool) -> list[Column[object]]:
    """A name, the words the article writes for it, and its grade (`_summary._Graded`)."""
    return [
        Column("name", Text, nullable=not required),
        Column("mention", Text, nullable=not required),
        Column("basis", String(16), nullable=not required),
        Column("rule", String(32)),
    ]


def _country() -> list[Column[object]]:
    """A country (`_summary.Country`): its code, name and grade."""
    return [
        Column("country_code", String(2)),
        Column("country_name", Text),
        Column("country_basis", String(16)),
        Column("country_rule", String(32)),
    ]


agreements = Table(
    "agreements",
    metadata,
    Column("id", Text, primary_key=True),  # "<article id>/<position>"
    _article_id(),
    Column("position", Integer, nullable=False),  # 0 is the story's principal agreement
    Column("principal", Boolean, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("title", Text),
    Column("date_text", Text),
    Column("signed_on", Date),
    Column("signed_earliest", Date),
    Column("signed_latest", Date),
    Column("signed_basis", String(16)),
    Column("signed_rule", String(32)),
    Column("headline", Text, nullable=False),
    Column("summary_json", Text, nullable=False),  # the whole summary, meta included
)

parties = _listed(
    "parties",
    *_named(required=True),
    Column("kind", String(32), nullable=False),
    *_country(),
    Column("parent_body", Text),
    Column("parent_body_basis", String(16)),
)

signatories = _listed(
    "signatories",
    *_named(required=False),
    Column("title", Text),
    Column("party", Text),  # the canonical name of the party they signed for
    Column("party_position", Integer),  # that party's row, when it is one of the parties
)

aims = _listed(
    "aims",
    Column("category", String(32), nullable=False),
    Column("description", Text, nullable=False),
)

venues = Table(
    "venues",
    metadata,
    _agreement_id(),
    _article_id(),
    Column("path", Text, nullable=False),
    Column("event", Text),
    Column("city", Text),
    Column("city_basis", String(16)),
    Column("city_rule", String(32)),
    *_country(),
)

threat_groups = _listed(
    "threat_groups",
    *_named(required=False),
    Column("description", Text),
    Column("kind", String(32), nullable=False),
    Column("aliases", Text, nullable=False),  # a JSON list
)

# A threat group's profile, one row per fact: origin, size, leadership, base, each
# activity, area and designation.
group_facts = Table(
    "group_facts",
    metadata,
    _agreement_id(),
    Column("path", Text, primary_key=True),  # "threat_groups[0].activities[1]"
    _article_id(),
    Column("group_position", Integer, nullable=False),
    Column("field", String(16), nullable=False),
    Column("value", Text, nullable=False),
    Column("designated_by", Text),
)

evidence = Table(
    "evidence",
    metadata,
    _agreement_id(),
    Column("path", Text, primary_key=True),
    _article_id(),
    Column("quote", Text, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("match", String(16), nullable=False),
    # The grade of the fact's own value, where it has one (a party's name, a date).
    Column("basis", String(16)),
    Column("rule", String(32)),
)

# Written for each article, in this order; deleted in the reverse order.
ARTICLE_TABLES = (articles, agreements, parties, signatories, aims, venues, threat_groups,
                  group_facts, evidence)  # fmt: skip

# One record per signing, however many stories report it: rebuilt whole by each merge.
agreement_records = Table(
    "agreement_records",
    metadata,
    Column("id", Text, primary_key=True),  # "rec-" and a hash of its sources
    Column("kind", String(32), nullable=False),  # the kind most of its stories give
    Column("title", Text),
    Column("signed_on", Date),  # when every story that dates it gives one day
    Column("sources", Integer, nullable=False),
    Column("disagreements", Text, nullable=False),  # a JSON list: "signed_on", "venues"
    Column("record_json", Text, nullable=False),  # the whole record, each value's sources
)

record_sources = Table(
    "record_sources",
    metadata,
    Column("record_id", Text, ForeignKey("agreement_records.id", ondelete="CASCADE"),
           primary_key=True),
    _agreement_id(),
    _article_id(),
)  # fmt: skip

RECORD_TABLES = (agreement_records, record_sources)
