"""`python -m summarizer`: the command line, as the `summarizer` script runs it."""

import sys

from ._cli import main

sys.exit(main())
