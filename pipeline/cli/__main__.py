"""`python -m pipeline.cli`: the `ocrclean` command."""

import sys

from . import main

if __name__ == "__main__":  # importing the module (pkgutil.walk_packages, a docs tool) runs nothing
    sys.exit(main())
