"""The typed summary: what the model fills (`ModelReply`) and what we return (`AgreementSummary`).

Every fact carries `evidence`: the model writes a short quote, grounding finds it in the
article and we store `Evidence(quote, start, end, match)`. The model never sees offsets,
usage or metadata; those are ours to compute. In the JSON schema sent to the model an
evidence field is a plain string (the quote); in our output it is an object.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, model_validator

from .grounding import MAX_QUOTE_CHARS, Span, contains_words, current_article, ground, reject

__all__ = [
    "Agreement",
    "AgreementSummary",
    "Aim",
    "Designation",
    "Evidence",
    "Fact",
    "GroundingReport",
    "Meta",
    "ModelReply",
    "Party",
    "Signatory",
    "ThreatGroupProfile",
    "Usage",
    "Venue",
]

AgreementKind = Literal[
    "memorandum_of_understanding",
    "memorandum_of_cooperation",
    "treaty",
    "joint_declaration",
    "working_arrangement",
    "letter_of_intent",
    "other",
]
PartyKind = Literal["agency", "government", "international_organization", "other"]
AimCategory = Literal[
    "information_sharing",
    "joint_investigations",
    "border_security",
    "capacity_building",
    "legal_assistance",
    "other",
]
ThreatGroupKind = Literal["gang", "cartel", "terrorist_organization", "insurgent_group", "other"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# Bounds on every string and list the model fills. Grammar-constrained servers (llama.cpp,
# vLLM, Ollama) build them into the grammar, so a small model cannot loop inside one field
# until max_tokens; pydantic enforces them everywhere else.
Name = Annotated[str, Field(max_length=150)]
Text = Annotated[str, Field(max_length=300)]
MAX_ITEMS = 12
MAX_GROUP_ITEMS = 8


class Evidence(_Strict):
    """A quote from the article and where it stands: `text[start:end]`."""

    quote: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    match: Literal["exact", "normalized"] = "exact"


def _evidence_from_reply(value: Any) -> Any:
    # While a model reply is validated, evidence arrives as a bare quote and is grounded
    # here; offsets a reply might volunteer are ignored. Outside that scope (loading a
    # stored summary) evidence is taken as the object we once wrote.
    if isinstance(value, Evidence) or current_article() is None:
        return value
    quote = value.get("quote") if isinstance(value, dict) else value
    if not isinstance(quote, str):
        raise ValueError("evidence must be a short quote copied from the article")
    span: Span = ground(quote)
    return {"quote": quote, "start": span.start, "end": span.end, "match": span.match}


Grounded = Annotated[
    Evidence,
    BeforeValidator(_evidence_from_reply),
    WithJsonSchema(
        {
            "type": "string",
            "maxLength": MAX_QUOTE_CHARS,
            "description": "A short exact quote from the article that states this.",
        },
        mode="validation",
    ),
]


def _require_in_quote(label: str, value: str | None, evidence: Evidence) -> None:
    if value and not contains_words(evidence.quote, value):
        raise reject(
            f"{label} {value!r} does not appear in its quote {evidence.quote!r}; "
            "quote the words that name it"
        )


def _reject_dateline(label: str, evidence: Evidence) -> None:
    article = current_article()
    if article and article.in_dateline(Span(evidence.start, evidence.end, evidence.match)):
        raise reject(
            f"{label} quotes the dateline {evidence.quote!r}, which says where and when the "
            "story was filed, not where or when the agreement was signed"
        )


class Agreement(_Strict):
    """The agreement itself, as the article reports it."""

    kind: AgreementKind
    title: Text | None = Field(description="The agreement's name as written, if given.")
    signed_on: date | None = Field(
        description="Signing date, only when the article states it; never the story's date."
    )
    date_text: Name | None = Field(description="The signing date as written, e.g. 'on Tuesday'.")
    evidence: Grounded

    @model_validator(mode="after")
    def _date_is_stated(self) -> Agreement:
        if self.signed_on and not self.date_text:
            raise ValueError("signed_on is set but date_text is empty; quote the date as written")
        article = current_article()
        if article and self.date_text and not contains_words(article.text, self.date_text):
            raise reject(f"date_text {self.date_text!r} is not in the article")
        if self.signed_on or self.date_text:
            _reject_dateline("the agreement date", self.evidence)
        if article and self.title and not contains_words(article.text, self.title):
            raise reject(f"agreement title {self.title!r} is not in the article")
        return self


class Party(_Strict):
    """An organisation that entered the agreement."""

    name: Name = Field(description="As written, e.g. 'INTERPOL Washington'.")
    kind: PartyKind
    country: Name | None = Field(description="Country the party belongs to, if stated or named.")
    parent_body: Name | None = Field(description="Parent body where stated.")
    evidence: Grounded

    @model_validator(mode="after")
    def _name_is_quoted(self) -> Party:
        _require_in_quote("party name", self.name, self.evidence)
        return self


class Signatory(_Strict):
    """A person who signed; the name may be unstated."""

    name: Name | None = Field(description="Full name as written, or null if not named.")
    title: Name | None = Field(description="Title or office as written, e.g. 'Director'.")
    party: Name | None = Field(description="Name of the party they signed for, as in parties.")
    evidence: Grounded

    @model_validator(mode="after")
    def _name_is_quoted(self) -> Signatory:
        _require_in_quote("signatory name", self.name, self.evidence)
        _require_in_quote("signatory title", self.title, self.evidence)
        return self


class Aim(_Strict):
    """One thing the agreement sets out to do."""

    description: Text = Field(description="A short description in plain words.")
    category: AimCategory
    evidence: Grounded


class Venue(_Strict):
    """Where the agreement was signed (never the dateline city)."""

    event: Text | None = Field(description="Conference or visit during which it was signed.")
    city: Name | None
    country: Name | None
    evidence: Grounded

    @model_validator(mode="after")
    def _place_is_quoted(self) -> Venue:
        _require_in_quote("venue event", self.event, self.evidence)
        _require_in_quote("venue city", self.city, self.evidence)
        _require_in_quote("venue country", self.country, self.evidence)
        _reject_dateline("the venue", self.evidence)
        return self


class Fact(_Strict):
    """A single stated fact in plain words, with the quote that states it."""

    value: Text
    evidence: Grounded


class Designation(_Strict):
    """A formal label put on a group, e.g. 'Foreign Terrorist Organization' by 'United States'."""

    label: Name
    designated_by: Name | None
    evidence: Grounded

    @model_validator(mode="after")
    def _label_is_quoted(self) -> Designation:
        _require_in_quote("designation", self.label, self.evidence)
        return self


class ThreatGroupProfile(_Strict):
    """A criminal or violent group the agreement targets, as the article describes it."""

    name: Name
    aliases: list[Name] = Field(
        description="Other names or abbreviations used in the article.", max_length=MAX_GROUP_ITEMS
    )
    kind: ThreatGroupKind
    origin: Fact | None
    designations: list[Designation] = Field(max_length=MAX_GROUP_ITEMS)
    size: Fact | None = Field(description="Membership as stated, e.g. 'more than 5,000 members'.")
    leadership: Fact | None
    base: Fact | None = Field(description="Base or headquarters as stated.")
    activities: list[Fact] = Field(max_length=MAX_GROUP_ITEMS)
    areas: list[Fact] = Field(
        description="Countries, regions or cities where it operates.", max_length=MAX_GROUP_ITEMS
    )
    evidence: Grounded

    @model_validator(mode="after")
    def _names_are_in_article(self) -> ThreatGroupProfile:
        _require_in_quote("threat group name", self.name, self.evidence)
        article = current_article()
        missing = [a for a in self.aliases if article and not contains_words(article.text, a)]
        if missing:
            raise reject(f"aliases {missing} of {self.name!r} are not in the article")
        return self


class ModelReply(_Strict):
    """The object the model is asked to fill."""

    reports_agreement: bool = Field(
        description="True only if the article reports an agreement that was signed or concluded."
    )
    no_agreement_reason: Text | None = Field(
        description="When reports_agreement is false: why, in one sentence. Otherwise null."
    )
    agreement: Agreement | None
    parties: list[Party] = Field(max_length=MAX_ITEMS)
    signatories: list[Signatory] = Field(max_length=MAX_ITEMS)
    aims: list[Aim] = Field(max_length=MAX_ITEMS)
    venue: Venue | None = Field(
        description="Null when the article does not say where it was signed."
    )
    threat_groups: list[ThreatGroupProfile] = Field(max_length=MAX_GROUP_ITEMS)
    headline: Text = Field(description="One plain sentence saying who agreed to what.")

    @model_validator(mode="after")
    def _consistent(self) -> ModelReply:
        if not self.reports_agreement:
            filled = [
                name
                for name in (
                    "agreement",
                    "parties",
                    "signatories",
                    "aims",
                    "venue",
                    "threat_groups",
                )
                if getattr(self, name)
            ]
            if filled:
                raise ValueError(
                    "reports_agreement is false, so leave these empty or null: " + ", ".join(filled)
                )
            return self
        if self.agreement is None or not self.parties:
            raise ValueError("reports_agreement is true, so give the agreement and its parties")
        party_names = {party.name.casefold() for party in self.parties}
        for signatory in self.signatories:
            if signatory.party and signatory.party.casefold() not in party_names:
                raise ValueError(
                    f"signatory party {signatory.party!r} is not one of the parties' names"
                )
        return self


class Usage(_Strict):
    """Tokens spent, summed over every reply requested for one summary."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            total_tokens=self.total_tokens + other.total_tokens,
        )


class GroundingReport(_Strict):
    """How the quotes of the accepted reply were found, and how many earlier ones were not."""

    quotes: int
    exact: int
    normalized: int
    rejected_in_earlier_replies: int


class Meta(_Strict):
    """How a summary was made: by which model and prompt, at what cost, in how long."""

    model: str
    endpoint: str
    endpoint_kind: str
    mode: str
    prompt_name: str
    prompt_version: str
    article_sha256: str
    usage: Usage
    attempts: int = Field(description="Model replies requested (1 + re-asks).")
    http_requests: int = Field(description="HTTP requests sent, transport retries included.")
    latency_seconds: float
    grounding: GroundingReport


class AgreementSummary(_Strict):
    """A grounded summary of one agreement article."""

    agreement: Agreement
    parties: list[Party]
    signatories: list[Signatory]
    aims: list[Aim]
    venue: Venue | None
    threat_groups: list[ThreatGroupProfile]
    headline: str
    meta: Meta

    @classmethod
    def from_reply(cls, reply: ModelReply, meta: Meta) -> AgreementSummary:
        """Build the summary from a validated reply that reports an agreement."""
        assert reply.agreement is not None, "caller checks reports_agreement first"
        return cls(
            agreement=reply.agreement,
            parties=reply.parties,
            signatories=reply.signatories,
            aims=reply.aims,
            venue=reply.venue,
            threat_groups=reply.threat_groups,
            headline=reply.headline,
            meta=meta,
        )
