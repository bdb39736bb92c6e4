"""``python -m indicators.census``: build the default dataset from the raw census tables."""

import sys

from indicators.census.build import main

sys.exit(main())
