"""`python -m ocrclean`: the `ocrclean` command."""

import sys

from pipeline.cli import main

sys.exit(main())
