"""Dashboard support code: shared selections, translations, cached loaders and figures.

Only the dashboard imports this package; the engine (``indicators``) never does.
"""
