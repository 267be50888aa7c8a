"""The app's feature blueprints, registered by `create_app`."""

BLUEPRINTS: list = []
