"""Score summaries against a gold set: how good a model (and prompt) is at this job.

A gold set is a folder of articles, each `<stem>.txt` with `<stem>.gold.json` beside it
(format in `eval/README.md`, model `GoldFile` here). `score_article()` compares one outcome
(a summary, or the error instead of one) with its gold file field by field; `Report` adds
the articles up: per-field precision, recall and F1, outcomes by type, the share of the
model's facts that passed the checks, abstention (facts the gold leaves empty that the
model filled), tokens and cost.

Matching is on normalised text (normality: case, accents, punctuation and spacing folded)
over each fact's names: a party's canonical name and its mention against the gold name
and aliases, so "NCA" and "National Crime Agency" are one party.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pycountry import countries
from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError, model_validator

from .._api import summarize
from .._checks import verified_only
from .._checks.fold import loose_key
from .._config import Settings
from .._exceptions import ConfigError, NoAgreementError, ReplyError, SummarizerError
from .._summary import AgreementKind, AgreementSummary, AimCategory, Usage

if TYPE_CHECKING:
    from .._model.cassettes import Cassette

__all__ = [
    "FIELDS",
    "ArticleScore",
    "FieldScore",
    "GoldFile",
    "Report",
    "evaluate_live",
    "evaluate_replayed",
    "gold_articles",
    "load_report",
    "score_article",
]

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


class _Gold(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _country_code(code: str | None) -> str | None:
    if code is not None and countries.get(alpha_2=code) is None:
        raise ValueError(f"{code!r} is not an ISO 3166-1 alpha-2 code")
    return code


CountryCode = Annotated[str | None, AfterValidator(_country_code)]


class GoldAgreement(_Gold):
    kind: AgreementKind | None = None
    signed_on: date | None = None


class GoldParty(_Gold):
    name: str
    aliases: list[str] = []
    country: CountryCode = None


class GoldSignatory(_Gold):
    name: str | None
    title: str | None = None
    party: str | None = None


class GoldPlace(_Gold):
    city: str | None = None
    country: CountryCode = None


class GoldDateline(GoldPlace):
    filed_on: date | None = None


class GoldGroup(_Gold):
    name: str | None
    aliases: list[str] = []
    described_as: str | None = None


class GoldFile(_Gold):
    """One article's facts as a careful analyst records them; empty means must stay empty."""

    gold_format: Literal[1]
    notes: str = ""
    reports_agreement: bool
    agreement: GoldAgreement = GoldAgreement()
    parties: list[GoldParty] = []
    signatories: list[GoldSignatory] = []
    aims: list[AimCategory] = []
    venue: GoldPlace | None = None
    dateline: GoldDateline | None = None
    threat_groups: list[GoldGroup] = []

    @model_validator(mode="after")
    def _signatories_sign_for_gold_parties(self) -> GoldFile:
        names = {_fold(n) for p in self.parties for n in (p.name, *p.aliases)}
        for signatory in self.signatories:
            if signatory.party is not None and _fold(signatory.party) not in names:
                raise ValueError(f"signatory party {signatory.party!r} is not a gold party")
        return self

    @classmethod
    def load(cls, path: Path) -> GoldFile:
        try:
            return cls.model_validate_json(path.read_bytes())
        except ValidationError as exc:
            raise ConfigError(f"{path} is not a gold file: {exc}") from exc


def gold_articles(folder: Path) -> Iterator[tuple[str, str, GoldFile]]:
    """`(stem, article, gold)` for every `<stem>.gold.json` with its `<stem>.txt`, by stem.

    Raises:
        ConfigError: a gold file without its article, or a folder with no gold file.
    """
    paths = sorted(folder.glob("*.gold.json"))
    if not paths:
        raise ConfigError(f"no *.gold.json files in {folder}")
    for path in paths:
        stem = path.name.removesuffix(".gold.json")
        article = path.with_name(f"{stem}.txt")
        if not article.is_file():
            raise ConfigError(f"{path} has no article beside it ({article.name})")
        yield stem, article.read_text(encoding="utf-8"), GoldFile.load(path)


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
        elif _same(gold, got, title=name.endswith(".title")):
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
        pairs = _match(
            [_names(p.name, *p.aliases) for p in gold], [_names(p.name, p.mention) for p in got]
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
        pairs = _match(keys_gold, keys_got)
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
        pairs = _match(
            [_names(g.name, *g.aliases) if g.name else {"<unnamed>"} for g in gold],
            [_names(g.name, *g.aliases) if g.name else {"<unnamed>"} for g in got],
        )
        self.add("threat_groups", _set_score(len(gold), len(got), len(pairs)))
        self.empty_list("threat_groups", gold, got)


def _set_score(gold: int, got: int, matched: int) -> FieldScore:
    return FieldScore(tp=matched, fp=got - matched, fn=gold - matched)


def _fold(text: str | None) -> str:
    return loose_key(text, ascii=True)


def _names(*names: str | None) -> set[str]:
    return {folded for name in names if (folded := _fold(name))}


def _signatory_keys(name: str | None, party: str | None, gold: GoldFile) -> set[str]:
    if name:
        return _names(name)
    return {"<unnamed> " + _party_key(party, gold)}


def _party_key(party: str | None, gold: GoldFile) -> str:
    """The gold party's folded name, whichever of its names (or aliases) `party` is."""
    folded = _fold(party)
    for candidate in gold.parties:
        if folded in _names(candidate.name, *candidate.aliases):
            return _fold(candidate.name)
    return folded


def _same(gold: object, got: object, *, title: bool = False) -> bool:
    """Equal values; text folded. Titles as written may also differ in number and article
    ("the defence ministers" is "defence minister"), but any other word, such as "deputy",
    makes another title."""
    if not (isinstance(gold, str) and isinstance(got, str)):
        return gold == got
    if not title:
        return _fold(gold) == _fold(got)
    return _title_words(gold) == _title_words(got)


def _title_words(title: str) -> list[str]:
    words = [w for w in _fold(title).split() if w not in ("the", "a", "an")]
    return [w[:-1] if len(w) > 3 and w.endswith("s") else w for w in words]


def _match(gold: list[set[str]], got: list[set[str]]) -> list[tuple[int, int]]:
    """The most pairs (gold index, got index) sharing a name, each side used at most once
    (augmenting paths: the first pairing found must not block a better one)."""
    owner: dict[int, int] = {}  # got index -> gold index

    def place(i: int, visited: set[int]) -> bool:
        for j, names in enumerate(got):
            if j in visited or not gold[i] & names:
                continue
            visited.add(j)
            if j not in owner or place(owner[j], visited):
                owner[j] = i
                return True
        return False

    for i in range(len(gold)):
        place(i, set())
    return sorted((i, j) for j, i in owner.items())


@dataclass
class Report:
    """A run over a gold set: the articles' scores and what they add up to."""

    run: dict[str, Any]
    articles: list[ArticleScore]
    price_per_million: tuple[float, float] | None = None  # input, output

    def fields(self, *, proved: bool = False) -> dict[str, FieldScore]:
        """Each field's counts over every article; only values code proved with `proved`."""
        totals = {name: FieldScore() for name in FIELDS}
        for article in self.articles:
            scores = article.verified_fields if proved else article.fields
            for name, score in scores.items():
                totals[name] = totals[name] + score
        return totals

    def made_worse(self) -> int | None:
        """Matches re-asks lost against the first reply; None when none was judged."""
        judged = [a.made_worse for a in self.articles if a.made_worse is not None]
        return sum(judged) if judged else None

    def outcomes(self) -> Counter[str]:
        return Counter(article.outcome for article in self.articles)

    def grounding_rate(self) -> float | None:
        """Of the facts the model proposed in its final replies, the share that held."""
        kept = sum(a.quotes for a in self.articles)
        proposed = kept + sum(a.dropped for a in self.articles)
        return kept / proposed if proposed else None

    def abstention(self) -> tuple[int, int]:
        """(facts filled that the gold leaves empty, facts the gold leaves empty)."""
        return (
            sum(len(a.abstention_violations) for a in self.articles),
            sum(a.empty_facts for a in self.articles),
        )

    def usage(self) -> Usage:
        total = Usage()
        for article in self.articles:
            if not article.cached:
                total += article.usage
        return total

    def cost(self) -> float | None:
        if self.price_per_million is None:
            return None
        usage = self.usage()
        price_in, price_out = self.price_per_million
        return (usage.prompt_tokens * price_in + usage.completion_tokens * price_out) / 1e6

    def as_dict(self) -> dict[str, Any]:
        violations, chances = self.abstention()
        cached = sum(a.cached for a in self.articles)
        # What a run costs per article it paid for: answers from the cache cost nothing.
        count = (len(self.articles) - cached) or 1
        cost = self.cost()
        usage = self.usage()
        return {
            "run": self.run,
            "articles": [a.as_dict() for a in self.articles],
            "fields": {name: score.as_dict() for name, score in self.fields().items()},
            "verified_fields": {
                name: score.as_dict() for name, score in self.fields(proved=True).items()
            },
            "grades": dict(sum((a.grades for a in self.articles), Counter[str]())),
            "outcomes": dict(self.outcomes()),
            "grounding_rate": self.grounding_rate(),
            "abstention": {"filled": violations, "empty_in_gold": chances},
            "re_asked": sum(a.attempts > 1 for a in self.articles),
            "re_ask_rate": (
                sum(a.attempts > 1 for a in self.articles) / len(self.articles)
                if self.articles
                else None
            ),
            "made_worse": self.made_worse(),
            "cached": cached,
            "tokens": usage.model_dump(),
            "tokens_per_article": usage.total_tokens / count,
            "cost": cost,
            "cost_per_article": cost / count if cost is not None else None,
        }

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.as_dict(), indent=2, default=str) + "\n")


def evaluate_replayed(
    folder: Path, cassettes: Path, settings: Settings, model: str | None = None
) -> Report:
    """Score the replies recorded for each gold article (`<cassettes>/<stem>.json`), offline.

    Each cassette is replayed in order, whatever the exact requests: what is scored is what
    the model answered. The model named in a cassette's source is the one reported, and the
    prompt version it names is the one its replies are read with, unless `settings` pins one.
    """
    from .._model.call import replay_client
    from .._model.cassettes import Cassette

    scores = []
    models: set[str] = set()
    versions: set[str] = set()
    for stem, article, gold in gold_articles(folder):
        path = cassettes / f"{stem}.json"
        if not path.is_file():
            # A missing recording says nothing of the model: no score rather than a wrong one.
            raise ConfigError(f"no recording for {stem} in {cassettes} ({path.name})")
        outcome: AgreementSummary | BaseException
        try:
            cassette = Cassette.load(path)
            cassette.match = "order"
            name = model or cassette.source.get("model") or cassette.source.get("kind", "replay")
            models.add(name)
            recorded = _recorded_prompt_version(cassette.source)
            if settings.prompt_version is None and recorded:
                read_with = replace(settings, prompt_version=recorded)
            else:
                read_with = settings
            versions.add(read_with.prompt_version or "")
            with replay_client(cassette) as client:
                outcome = summarize(article, model=name, client=client, settings=read_with)
        except SummarizerError as exc:
            outcome = exc
        first = None
        if _replies_of(outcome) > 1:  # what the first reply alone would have given
            first = _first_reply(article, cassette, name, read_with)
        score = score_article(stem, gold, outcome, first)
        if first is None:
            score.made_worse = 0  # no re-ask, nothing lost to one
        scores.append(score)
    run = {"gold": str(folder), "source": f"replayed from {cassettes}", "model": sorted(models)}
    (version,) = versions if len(versions) == 1 else {settings.prompt_version}
    return Report(
        run=_describe(run, replace(settings, prompt_version=version or None)), articles=scores
    )


def _replies_of(outcome: AgreementSummary | BaseException) -> int:
    meta = outcome.meta if isinstance(outcome, AgreementSummary) else getattr(outcome, "meta", None)
    if meta is not None:
        return int(meta.attempts)
    return int(getattr(outcome, "attempts", 1)) if isinstance(outcome, ReplyError) else 1


def _first_reply(
    article: str, cassette: Cassette, model: str, settings: Settings
) -> AgreementSummary | BaseException:
    """The outcome of the recording's first reply alone, its failed details dropped."""
    from .._model.call import replay_client
    from .._model.cassettes import Cassette

    once = replace(settings, reasks=0, on_failed_detail="drop")
    try:
        with replay_client(Cassette(cassette.source, "order", cassette.interactions)) as client:
            return summarize(article, model=model, client=client, settings=once)
    except SummarizerError as exc:
        return exc


def _recorded_prompt_version(source: dict[str, str]) -> str | None:
    """ "2" for a recording whose source says "prompt": "agreement_summary v2"."""
    _, _, version = source.get("prompt", "").rpartition(" v")
    return version if version.isdigit() else None


async def evaluate_live(
    folder: Path,
    *,
    model: str | None,
    base_url: str | None,
    settings: Settings,
    concurrency: int,
    cache: bool,
) -> Report:
    """Score a live endpoint (answers from the cache count, and say so) on a gold set."""
    from .._batch.run import asummarize_many
    from .._config import resolve

    articles = list(gold_articles(folder))  # a gold set is small; read it once
    golds = {stem: gold for stem, _, gold in articles}
    items = ((stem, article) for stem, article, _ in articles)
    scores = {}
    async for result in asummarize_many(
        items,
        model=model,
        base_url=base_url,
        settings=settings,
        concurrency=concurrency,
        cache=cache,
    ):
        outcome = result.summary if result.summary is not None else result.error
        assert outcome is not None
        scores[result.id] = score_article(result.id, golds[result.id], outcome)
    config = resolve(model=model, base_url=base_url, settings=settings)
    run = {"gold": str(folder), "source": config.endpoint, "model": [config.model]}
    return Report(run=_describe(run, settings), articles=[scores[s] for s in sorted(scores)])


def _describe(run: dict[str, Any], settings: Settings) -> dict[str, Any]:
    from .._prompts import load_prompt

    template = load_prompt(settings.prompt, settings.prompt_version)
    return {**run, "prompt": f"{template.name} v{template.version}", "reasks": settings.reasks}


def load_report(path: Path) -> dict[str, Any]:
    """A report saved by `Report.save()`, for `--compare`."""
    try:
        data = json.loads(path.read_text())
    except ValueError as exc:
        raise ConfigError(f"{path} is not an evaluation report: {exc}") from None
    needed = {"run", "fields", "outcomes", "abstention", "tokens_per_article"}
    if not isinstance(data, dict) or not needed <= set(data):
        raise ConfigError(f"{path} is not an evaluation report")
    return data


def field_rows(report: dict[str, Any]) -> Iterable[tuple[str, dict[str, Any]]]:
    return ((name, report["fields"].get(name, {})) for name in FIELDS)
