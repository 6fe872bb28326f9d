"""One article's score: its outcome (a summary, or the error instead of one) against its
gold file, field by field.

`score_article()` counts, for each field in `FIELDS`, the values right (tp), given but wrong
or not in the gold (fp) and missed (fn); a fact the gold leaves empty is a chance to
abstain, and a summary that fills it is an abstention missed. The same counts are taken
again over only the values code proved (`verified_only`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .._checks import verified_only
from .._exceptions import NoAgreementError, ReplyError
from .._meta import Usage
from .._summary import AgreementSummary
from .gold import GoldFile
from .matching import best_pairs, folded_names, match_key, same

__all__ = ["FIELDS", "ArticleScore", "FieldScore", "grades_of", "score_article"]

# The scored fields, in the order reports show them.
FIELDS = (
    "outcome",
    "agreement.kind",
    "agreement.signed_on",
    "parties",
    "parties.country",
    "signatories",
    "signatories.party",
    "signatories.title",
    "aims",
    "venue.city",
    "venue.country",
    "dateline.city",
    "dateline.country",
    "dateline.filed_on",
    "threat_groups",
)


@dataclass
class FieldScore:
    """Counts for one field; precision, recall and F1 follow from them."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: FieldScore) -> FieldScore:
        return FieldScore(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        """None only when there was nothing to find and nothing was given."""
        if self.tp + self.fp + self.fn == 0:
            return None
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn)

    def as_dict(self) -> dict[str, Any]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
        }


@dataclass
class ArticleScore:
    """One article: its outcome, each field's counts, and what it cost."""

    stem: str
    outcome: str  # "summary", "no_agreement" or the error's type name
    expected: str  # "summary" or "no_agreement"
    fields: dict[str, FieldScore] = field(default_factory=dict)
    # The same fields when only values code proved count (`verified_only`).
    verified_fields: dict[str, FieldScore] = field(default_factory=dict)
    grades: Counter[str] = field(default_factory=Counter)  # normalised values by basis
    # Matches the first reply had and a re-ask lost; None when there was no re-ask to judge.
    made_worse: int | None = None
    abstention_violations: list[str] = field(default_factory=list)
    empty_facts: int = 0  # facts the gold leaves empty, so chances to abstain
    quotes: int = 0  # facts kept, each with a grounded quote
    dropped: int = 0  # facts the model proposed and the checks left out
    attempts: int = 0
    usage: Usage = field(default_factory=Usage)
    cached: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "stem": self.stem,
            "outcome": self.outcome,
            "expected": self.expected,
            "fields": {name: score.as_dict() for name, score in self.fields.items()},
            "verified_fields": {n: score.as_dict() for n, score in self.verified_fields.items()},
            "grades": dict(self.grades),
            "made_worse": self.made_worse,
            "abstention_violations": self.abstention_violations,
            "empty_facts": self.empty_facts,
            "quotes": self.quotes,
            "dropped": self.dropped,
            "attempts": self.attempts,
            "usage": self.usage.model_dump(),
            "cached": self.cached,
        }


def score_article(
    stem: str,
    gold: GoldFile,
    outcome: AgreementSummary | BaseException,
    first: AgreementSummary | BaseException | None = None,
) -> ArticleScore:
    """Compare one outcome with its gold file, field by field: every value, and only the
    values code proved. `first` is the outcome of the first reply alone, when the call
    re-asked: what the re-asks lost against it is counted in `made_worse`."""
    expected = "summary" if gold.reports_agreement else "no_agreement"
    summary = outcome if isinstance(outcome, AgreementSummary) else None
    score = ArticleScore(stem, _outcome_name(outcome), expected)
    score.fields = _fields(gold, outcome, score)
    proved = verified_only(summary) if summary is not None else outcome
    score.verified_fields = _fields(gold, proved, ArticleScore(stem, score.outcome, expected))
    if summary is not None:
        score.grades = grades_of(summary)
    if first is not None:
        before = _fields(gold, first, ArticleScore(stem, _outcome_name(first), expected))
        score.made_worse = sum(
            max(0, before[name].tp - score.fields.get(name, FieldScore()).tp) for name in before
        )
    meta = summary.meta if summary is not None else getattr(outcome, "meta", None)
    if meta is not None:
        score.quotes = meta.grounding.quotes
        score.dropped = len(meta.dropped)
        score.attempts = meta.attempts
        score.usage = meta.usage
        score.cached = meta.cached
    elif isinstance(outcome, ReplyError):  # an endpoint error's attempts are HTTP retries
        score.usage = outcome.usage
        score.attempts = outcome.attempts
    return score


def _outcome_name(outcome: AgreementSummary | BaseException) -> str:
    if isinstance(outcome, AgreementSummary):
        return "summary"
    return "no_agreement" if isinstance(outcome, NoAgreementError) else type(outcome).__name__


def _fields(
    gold: GoldFile, outcome: AgreementSummary | BaseException, score: ArticleScore
) -> dict[str, FieldScore]:
    """Each field's counts for `outcome`, recorded into `score` (abstention too)."""
    got = score.outcome
    score.fields["outcome"] = FieldScore(tp=1) if got == score.expected else FieldScore(fp=1, fn=1)
    # With no agreement in the story, every fact a summary states is one it should not.
    truth = gold if gold.reports_agreement else GoldFile(gold_format=1, reports_agreement=False)
    summary = outcome if isinstance(outcome, AgreementSummary) else None
    _FieldComparison(truth, summary, score).run()
    return score.fields


def grades_of(summary: AgreementSummary) -> Counter[str]:
    """How many of the summary's normalised values have each basis."""
    graded: list[str | None] = [p.basis for p in summary.parties]
    graded += [p.country.basis for p in summary.parties if p.country]
    graded += [p.parent_body.basis for p in summary.parties if p.parent_body]
    graded += [s.basis for s in summary.signatories] + [g.basis for g in summary.threat_groups]
    venue = summary.venue
    graded += [venue.city.basis if venue and venue.city else None]
    graded += [venue.country.basis if venue and venue.country else None]
    signed = summary.agreement.signed
    graded += [signed.basis if signed else None]
    return Counter(basis for basis in graded if basis is not None)


class _FieldComparison:
    """The field-by-field comparison of one summary (None when there is none) with gold."""

    def __init__(self, gold: GoldFile, summary: AgreementSummary | None, score: ArticleScore):
        self.gold = gold
        self.summary = summary
        self.score = score

    def run(self) -> None:
        s, g = self.summary, self.gold
        self.single("agreement.kind", g.agreement.kind if g.reports_agreement else None,
                    s.agreement.kind if s else None)  # fmt: skip
        self.single("agreement.signed_on", g.agreement.signed_on,
                    s.agreement.signed_on if s else None)  # fmt: skip
        self.parties()
        self.signatories()
        self.multiset("aims", g.aims, [a.category for a in s.aims] if s else [])
        venue = s.venue if s else None
        self.single("venue.city", g.venue.city if g.venue else None,
                    venue.city.name if venue and venue.city else None)  # fmt: skip
        self.single("venue.country", g.venue.country if g.venue else None,
                    venue.country.code if venue and venue.country else None)  # fmt: skip
        line = s.dateline if s else None
        self.single("dateline.city", g.dateline.city if g.dateline else None,
                    line.city.name if line and line.city else None)  # fmt: skip
        self.single("dateline.country", g.dateline.country if g.dateline else None,
                    line.country.code if line and line.country else None)  # fmt: skip
        self.single("dateline.filed_on", g.dateline.filed_on if g.dateline else None,
                    line.filed_on if line else None)  # fmt: skip
        self.groups()

    def add(self, name: str, score: FieldScore) -> None:
        self.score.fields[name] = self.score.fields.get(name, FieldScore()) + score

    def single(self, name: str, gold: object, got: object) -> None:
        """A one-valued fact: right, wrong (a false positive and a miss), missed, or filled
        where the gold says it must stay empty."""
        if gold is None:
            if self.summary is None:
                return  # no summary, so no chance to abstain or not
            self.score.empty_facts += 1
            if got is not None:
                self.score.abstention_violations.append(f"{name}: {got}")
                self.add(name, FieldScore(fp=1))
            else:
                self.add(name, FieldScore())
        elif got is None:
            self.add(name, FieldScore(fn=1))
        elif same(gold, got, title=name.endswith(".title")):
            self.add(name, FieldScore(tp=1))
        else:
            self.add(name, FieldScore(fp=1, fn=1))

    def multiset(self, name: str, gold: Sequence[str], got: Sequence[str]) -> None:
        left, right = Counter(gold), Counter(got)
        tp = sum((left & right).values())
        self.add(name, FieldScore(tp, sum(right.values()) - tp, sum(left.values()) - tp))
        self.empty_list(name, gold, got)

    def empty_list(self, name: str, gold: Sequence[Any], got: Sequence[Any]) -> None:
        if not gold and self.summary is not None:
            self.score.empty_facts += 1
            if got:
                self.score.abstention_violations.append(f"{name}: {len(got)} given")

    def parties(self) -> None:
        got = self.summary.parties if self.summary else []
        gold = self.gold.parties
        pairs = best_pairs(
            [folded_names(p.name, *p.aliases) for p in gold],
            [folded_names(p.name, p.mention) for p in got],
        )
        self.add("parties", _set_score(len(gold), len(got), len(pairs)))
        self.empty_list("parties", gold, got)
        for i, j in pairs:
            country = got[j].country
            self.single("parties.country", gold[i].country, country.code if country else None)

    def signatories(self) -> None:
        got = self.summary.signatories if self.summary else []
        gold = self.gold.signatories
        # An unnamed signatory is matched through the party it signed for.
        keys_gold = [_signatory_keys(s.name, s.party, self.gold) for s in gold]
        keys_got = [_signatory_keys(s.name, s.party, self.gold) for s in got]
        pairs = best_pairs(keys_gold, keys_got)
        self.add("signatories", _set_score(len(gold), len(got), len(pairs)))
        self.empty_list("signatories", gold, got)
        for i, j in pairs:
            self.single("signatories.party", _party_key(gold[i].party, self.gold),
                        _party_key(got[j].party, self.gold))  # fmt: skip
            if gold[i].title is not None or got[j].title is not None:
                self.single("signatories.title", gold[i].title, got[j].title)
        if self.summary is None:
            return
        # A name given to a signatory the article leaves unnamed: an abstention missed.
        matched = {i for i, _ in pairs}
        for i, signatory in enumerate(gold):
            if signatory.name is not None:
                continue
            self.score.empty_facts += 1
            party = _party_key(signatory.party, self.gold)
            invented = [s.name for s in got if s.name and _party_key(s.party, self.gold) == party]
            if i not in matched and invented:
                self.score.abstention_violations.append(f"signatories: named {invented[0]}")

    def groups(self) -> None:
        got = self.summary.threat_groups if self.summary else []
        gold = self.gold.threat_groups
        pairs = best_pairs(
            [folded_names(g.name, *g.aliases) if g.name else {"<unnamed>"} for g in gold],
            [folded_names(g.name, *g.aliases) if g.name else {"<unnamed>"} for g in got],
        )
        self.add("threat_groups", _set_score(len(gold), len(got), len(pairs)))
        self.empty_list("threat_groups", gold, got)


def _set_score(gold: int, got: int, matched: int) -> FieldScore:
    return FieldScore(tp=matched, fp=got - matched, fn=gold - matched)


def _signatory_keys(name: str | None, party: str | None, gold: GoldFile) -> set[str]:
    if name:
        return folded_names(name)
    return {"<unnamed> " + _party_key(party, gold)}


def _party_key(party: str | None, gold: GoldFile) -> str:
    """The gold party's folded name, whichever of its names (or aliases) `party` is."""
    folded = match_key(party)
    for candidate in gold.parties:
        if folded in folded_names(candidate.name, *candidate.aliases):
            return match_key(candidate.name)
    return folded
