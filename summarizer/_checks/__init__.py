"""The model proposes, code verifies: every fact of a reply checked against the article.

- `quotes`: each quote found in the article, as a character span (`ArticleText`);
- `facts`: each fact of a reply, kept, left out, or re-asked when a re-ask can fix it
  (`checker`: what every check shares; `groups`: a threat group's profile; `verdict`:
  what the checks of one reply come to);
- `proofs`: how far code proves each normalised value, its grade (`_summary.Basis`);
- `grades`: values code did not prove left out, for `Settings(keep_unverified=False)`;
- `scope`: one call's article, settings and ledger, and the reply model that checks;
- `fold`, `words`: how text is folded and compared; `dateline`, `dates`, `places`,
  `languages`, `names`: what is read from the text and checked against registries.
"""

from __future__ import annotations

from .dateline import read_dateline
from .grades import verified_only
from .languages import detect_language, language_code
from .quotes import ArticleText
from .scope import Ledger, OnFailedDetail, Scope, checked_model, checking
from .verdict import Problem, Verified

__all__ = [
    "ArticleText",
    "Ledger",
    "OnFailedDetail",
    "Problem",
    "Scope",
    "Verified",
    "checked_model",
    "checking",
    "detect_language",
    "language_code",
    "read_dateline",
    "verified_only",
]
