"""Census data build: the project's default dataset from the 2010 and 2020 county census tables.

``python -m indicators.census --census DIR --out DIR`` (or ``indicators.census.build.main``)
writes ``cities.csv``, ``units.csv``, ``framework.csv``, ``SOURCES.md`` and the 2010 crosswalk
files. Data: Lei Dong et al., github.com/leiii/census (MIT), from the 6th and 7th national
population censuses of China.
"""
