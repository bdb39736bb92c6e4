"""``python -m indicators``: see :mod:`indicators.cli`."""

import sys

from indicators.cli import main

if __name__ == "__main__":
    sys.exit(main())
