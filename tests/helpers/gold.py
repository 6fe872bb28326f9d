"""A gold file written by hand: shared by tests/eval/test_scoring.py and test_gold.py."""

from __future__ import annotations

# The truth of tests/fixtures/articles/examples/abbreviation_nca.txt, written by hand.
GOLD = {
    "gold_format": 1,
    "reports_agreement": True,
    "agreement": {"kind": "memorandum_of_understanding", "signed_on": "2025-03-12"},
    "parties": [
        {"name": "National Crime Agency", "aliases": ["NCA"], "country": "GB"},
        {"name": "Dutch National Police", "aliases": ["Dutch Police"], "country": "NL"},
    ],
    "signatories": [
        {"name": "Martin Ashby-Reeve", "title": "director general", "party": "NCA"},
        {
            "name": "Eveline de Graaf",
            "title": "chief commissioner",
            "party": "Dutch National Police",
        },
    ],
    "aims": ["information_sharing", "joint_investigations", "other"],
    "venue": {"city": "Rotterdam", "country": "NL"},
    "dateline": {"city": "London", "country": "GB", "filed_on": None},
    "threat_groups": [],
}
