"""Where the cache file lives, and the key of one summary in it."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from ..__version__ import __version__

if TYPE_CHECKING:
    from .._config import ResolvedConfig
    from .._meta import Page
    from .._prompts import PromptTemplate

__all__ = ["CACHE_DIR_ENV", "DEFAULT_CACHE_FILE", "cache_key", "default_cache_dir"]

CACHE_DIR_ENV = "SUMMARIZER_CACHE_DIR"
DEFAULT_CACHE_FILE = "summaries.sqlite"
# Bump when what is stored changes shape; older entries then simply miss.
_FORMAT = 2  # 2: every agreement of a story, as a list


def default_cache_dir() -> Path:
    """`SUMMARIZER_CACHE_DIR`, else the platform's user cache directory for summarizer."""
    configured = os.environ.get(CACHE_DIR_ENV)
    if configured:
        return Path(configured)
    import platformdirs  # only when a cache is wanted

    return Path(platformdirs.user_cache_dir("summarizer", appauthor=False))


def cache_key(
    article: str, config: ResolvedConfig, template: PromptTemplate, page: Page | None = None
) -> str:
    """The key of one summary: a hash over every input that changes it."""
    from .._meta import SCHEMA_VERSION

    settings = config.settings
    parts = {
        "format": _FORMAT,
        # Our own checks decide what a reply becomes, so a new release misses on purpose.
        "summarizer": __version__,
        "article": _sha256(article),
        "model": config.model,
        "endpoint": config.endpoint,
        "endpoint_kind": config.backend,
        "prompt": [template.name, template.version, template.reply_schema],
        "prompt_text": _sha256(template.system + "\0" + template.user),
        "schema_version": SCHEMA_VERSION,
        "temperature": settings.temperature,
        "max_output_tokens": settings.max_output_tokens,
        "reasks": settings.reasks,
        "on_failed_detail": settings.on_failed_detail,
        "keep_unverified": settings.keep_unverified,
        "language": settings.language,
        # Where a long article is cut decides what each part's reply can see.
        "parts": [settings.max_part_chars, settings.part_overlap_chars],
        # A page's summary carries the page (title, date, address) in its meta.
        "page": _sha256(page.model_dump_json()) if page is not None else None,
    }
    return _sha256(json.dumps(parts, sort_keys=True))


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
