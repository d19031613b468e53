"""`python -m ocrclean`: the `ocrclean` command."""

import sys

from pipeline.cli import main

if __name__ == "__main__":  # importing the module (pkgutil.walk_packages, a docs tool) runs nothing
    sys.exit(main())
