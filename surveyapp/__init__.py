"""surveyapp: satisfaction surveys for budget performance evaluations (the Flask application)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from .config import DEV_SECRET, Defaults, from_environment
from .database import configure_engine
from .extensions import csrf, db, login_manager, migrate

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then instance/config.py, then the environment (or `test_config`)."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(Defaults)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'surveyapp.sqlite'}"
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.update(from_environment())
    else:
        app.config.update(test_config)
    if app.config["ENV_NAME"] == "production" and app.config["SECRET_KEY"] in (DEV_SECRET, "", None):
        raise RuntimeError("SECRET_KEY must be set to a long random value in production")
    if app.config["ENV_NAME"] == "production":
        app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)

    _trust_proxies(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    with app.app_context():
        configure_engine(db.engine)

    from . import models  # noqa: F401  (registers the tables with the metadata)
    from .errors import register_error_handlers

    register_error_handlers(app)
    _register_blueprints(app)
    from . import bench_noop

    bench_noop.register(app)                    # POST /_bench/noop, only with SURVEYAPP_BENCH_NOOP=1
    from .cli import register_commands

    register_commands(app)
    logging.getLogger("surveyapp").setLevel(logging.INFO)
    return app


def _register_blueprints(app: Flask) -> None:
    from .blueprints import BLUEPRINTS

    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)


def _trust_proxies(app: Flask) -> None:
    """Behind `TRUSTED_PROXIES` reverse proxies (0 = none, the default), take the client's address and
    scheme from the X-Forwarded-For / X-Forwarded-Proto values those proxies append; never otherwise, as a
    client can send these headers itself."""
    value = app.config.get("TRUSTED_PROXIES", 0)
    count = int(value) if str(value).strip().isdigit() else -1
    if count < 0:
        raise RuntimeError(f"TRUSTED_PROXIES must be the number of reverse proxies in front (0 = none), got {value!r}")
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)  # type: ignore[method-assign]
