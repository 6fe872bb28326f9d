"""The gold set: a folder of articles, each `<stem>.txt` with `<stem>.gold.json` beside it.

The format is in `eval/README.md`; `GoldFile` is its strict model, so a typo in a gold file
is refused rather than scored as an empty fact.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from pycountry import countries
from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError, model_validator

from .._exceptions import ConfigError
from .._summary import AgreementKind, AimCategory
from .matching import match_key

__all__ = ["GoldFile", "gold_articles"]


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
        names = {match_key(n) for p in self.parties for n in (p.name, *p.aliases)}
        for signatory in self.signatories:
            if signatory.party is not None and match_key(signatory.party) not in names:
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
