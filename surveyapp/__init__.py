"""surveyapp: satisfaction surveys for budget performance evaluations (the Flask application)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask

from .config import ConfigurationError, Defaults, from_environment, settle_secret_key
from .database import configure_engine
from .extensions import csrf, db, login_manager, migrate

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def create_app(test_config: dict[str, Any] | None = None, *, when_key_missing: str = "refuse") -> Flask:
    """Build the app: defaults, then instance/config.py, then the environment (or `test_config`).

    Without a SECRET_KEY the app refuses to start unless it is a development start
    (see `surveyapp.config.settle_secret_key`, which `when_key_missing` is passed to)."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(Defaults)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'surveyapp.sqlite'}"
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.update(from_environment())
    else:
        app.config.update(test_config)
    settle_secret_key(app.config, app.instance_path, when_key_missing)
    if app.config["ENV_NAME"] == "production":
        app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    _trust_proxies(app)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    from .headers import register_security_headers
    from .respond.ratelimit import init_limiter

    init_limiter(app)
    register_security_headers(app)

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


def _trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies (0: none, the default), take the client's address, scheme
    and host from the X-Forwarded-* headers they set (werkzeug's ProxyFix); never trust them otherwise,
    or any client could pick the address the rate limit counts."""
    try:
        proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
        if proxies < 0:
            raise ValueError
    except ValueError:
        raise ConfigurationError(
            f"TRUSTED_PROXIES must be a number of proxies, not {app.config['TRUSTED_PROXIES']!r}") from None
    app.config["TRUSTED_PROXIES"] = proxies
    if proxies > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]


def _register_blueprints(app: Flask) -> None:
    from .blueprints import BLUEPRINTS

    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)

