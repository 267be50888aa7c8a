"""The app's blueprints, registered by `create_app`: the public respondent pages and the evaluator console.

The console's pages live in feature packages whose ``routes`` modules attach to the console blueprint;
importing them here registers them before the blueprint is.
"""

from importlib import import_module

from .console import bp as console_bp
from .respond import bp as respond_bp

CONSOLE_FEATURES = ("auth", "surveys", "links", "progress", "screening", "statistics", "opentext", "scoring",
                    "downloads", "library")

for _feature in CONSOLE_FEATURES:
    import_module(f"{__package__}.{_feature}.routes")

BLUEPRINTS: list = [respond_bp, console_bp]
