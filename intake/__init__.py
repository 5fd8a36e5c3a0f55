"""Lawtrail intake: the write side. A small Flask app that takes comments anchored to a
draft's structure and keeps them durably in the spool until a moderator merges them.

Production: `gunicorn "intake:create_app()"`, configured by `LAWTRAIL_*` variables.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from intake.api import bp, init_api
from intake.state import IntakeState

# Defaults, each overridable by a LAWTRAIL_<NAME> environment variable (docs/api.md).
DEFAULTS: dict[str, Any] = {
    "REPO": ".",  # the project: mkdocs.yml and drafts/
    "CONFIG_FILE": "mkdocs.yml",  # relative to REPO
    "SPOOL_DIR": None,  # default: <instance folder>/spool
    "ALLOWED_ORIGINS": "",  # comma-separated origins allowed besides the intake's own
    "RATE_LIMIT": "10 per minute;200 per day",  # per client address, on POST /reviews
    "RATE_LIMIT_STORAGE_URI": "memory://",  # per worker; redis://host:6379 for a shared one
    "PROXIES": 0,  # trusted proxies in front: X-Forwarded-For is read only behind them
    "REFRESH_SECONDS": 5,  # how often a worker checks git for new revisions (0: never)
    "SITE_DIR": None,  # if set, also serve the built site from here (make run)
    "MAX_BODY_BYTES": 64 * 1024,
}


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create the intake app: defaults, then `LAWTRAIL_*` variables, then `test_config`."""
    app = Flask(__name__, instance_path=os.environ.get("LAWTRAIL_INSTANCE_PATH"))
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("LAWTRAIL")
    if test_config:
        app.config.from_mapping(test_config)
    repo = Path(app.config["REPO"]).resolve()
    spool_dir = app.config["SPOOL_DIR"] or os.path.join(app.instance_path, "spool")
    proxies = int(app.config["PROXIES"])
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies)  # type: ignore[method-assign]
    state = IntakeState(
        config_file=repo / app.config["CONFIG_FILE"],
        spool_dir=Path(spool_dir),
        refresh_seconds=float(app.config["REFRESH_SECONDS"]),
    )
    app.extensions["lawtrail"] = state
    init_api(app)
    app.register_blueprint(bp)
    if app.config["SITE_DIR"]:
        _serve_site(app, Path(app.config["SITE_DIR"]).resolve())
    return app


def _serve_site(app: Flask, site: Path) -> None:
    """Serve the built site beside the API, for `make run` (production uses a web server)."""
    from flask import send_from_directory
    from werkzeug.wrappers import Response

    @app.get("/", defaults={"path": ""})
    @app.get("/<path:path>")
    def site_file(path: str) -> Response:
        if path == "" or path.endswith("/"):
            path += "index.html"
        elif (site / path).is_dir():
            from flask import redirect

            return redirect(f"/{path}/", code=301)
        return send_from_directory(site, path)
