"""The app's feature blueprints, registered by `create_app`."""

from .console import bp as console_bp
from .respond import bp as respond_bp

BLUEPRINTS: list = [respond_bp, console_bp]
