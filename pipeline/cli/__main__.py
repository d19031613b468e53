"""`python -m pipeline.cli`: the `ocrclean` command."""

import sys

from . import main

sys.exit(main())
