"""Build the wheel, install it into a clean venv, and summarize a replayed fixture from there.

Run by `make wheel-test` (and CI). It proves the wheel carries the prompts and needs
nothing from the source tree: the check runs from a temporary folder, outside the repo.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STEM = "interpol_tren_de_aragua"

CHECK = """
import sys, httpx2, openai
from pathlib import Path
import summarizer
from summarizer import summarize
from summarizer.testing import Cassette, cassette_transport
from summarizer._prompts import prompts_dir

article_path, cassette_path = map(Path, sys.argv[1:3])
assert "site-packages" in summarizer.__file__, summarizer.__file__
assert prompts_dir().is_relative_to(Path(summarizer.__file__).parent), prompts_dir()
transport = cassette_transport(cassette_path, record=False)
client = openai.OpenAI(api_key="wheel", base_url="http://wheel.invalid/v1",
                       http_client=httpx2.Client(transport=transport))
summary = summarize(article_path.read_text(), model="reference", client=client)
assert summary.parties[0].name == "INTERPOL Washington", summary.parties
assert summary.meta.prompt_version == "4"  # the newest prompt file ships in the wheel
# The checks' own subpackage and what it loads at run time (pycountry's regions, ICU).
assert summary.signatories[0].basis == "stated", summary.signatories
from summarizer._checks.places import region
assert region("Sonora") == "MX"
assert summary.parties[0].country is not None and summary.parties[0].country.code == "US"
# The evidence page's stylesheet and script are package data beside its module.
from summarizer._views.evidence_page import summary_page
page = summary_page(summary, article_path.read_text())
assert "--ink:#1d2330" in page and "document.addEventListener" in page, page[:300]
print("installed wheel summarized", article_path.name, "from", summarizer.__file__)
"""


def run(*args: str | Path, cwd: Path | None = None) -> None:
    print("+", " ".join(map(str, args)), flush=True)
    subprocess.run([str(a) for a in args], check=True, cwd=cwd)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        run(sys.executable, "-m", "build", "--wheel", "--outdir", work / "dist", ROOT)
        (wheel,) = (work / "dist").glob("summarizer-*.whl")
        venv.create(work / "venv", with_pip=True)
        python = work / "venv" / "bin" / "python"
        run(python, "-m", "pip", "install", "--quiet", wheel)
        (work / "check.py").write_text(CHECK)
        run(
            python,
            work / "check.py",
            ROOT / "tests" / "fixtures" / "articles" / "examples" / f"{STEM}.txt",
            ROOT / "tests" / "fixtures" / "cassettes" / "reference" / f"{STEM}.json",
            cwd=work,
        )
        # The installed command line, both ways in: the console script and `python -m`.
        run(work / "venv" / "bin" / "summarizer", "--help", cwd=work)
        run(python, "-m", "summarizer", "batch", "--help", cwd=work)


if __name__ == "__main__":
    main()
