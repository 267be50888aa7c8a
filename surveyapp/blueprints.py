"""The app's blueprints, registered by `create_app`: the public respondent pages, the evaluator console and
the management API.

The console's pages live in feature packages whose ``routes`` modules attach to the console blueprint;
importing them here registers them before the blueprint is. A feature may also hold an ``api`` module whose
views attach to the API blueprint (`surveyapp.api.api_route`); it is imported the same way.
"""

from importlib import import_module
from importlib.util import find_spec

from .api import bp as api_bp
from .console import bp as console_bp
from .respond import bp as respond_bp

CONSOLE_FEATURES = ("auth", "surveys", "links", "progress", "screening", "statistics", "opentext", "scoring",
                    "downloads", "admin", "audit", "library")

for _feature in CONSOLE_FEATURES:
    import_module(f"{__package__}.{_feature}.routes")

for _feature in CONSOLE_FEATURES:
    if find_spec(f"{__package__}.{_feature}.api") is not None:
        import_module(f"{__package__}.{_feature}.api")
import_module(f"{__package__}.auth.token_pages")   # the console's API-token page

BLUEPRINTS: list = [respond_bp, console_bp, api_bp]
