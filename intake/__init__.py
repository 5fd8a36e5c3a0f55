"""Lawtrail intake: the write side. A small Flask app that takes comments anchored to a
draft's structure and keeps them durably in the spool until a moderator merges them.

Production: `gunicorn "intake:create_app()"`, configured by `LAWTRAIL_*` variables
(`intake.settings`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from intake.api import bp, init_api
from intake.settings import (
    DEFAULTS,
    PREFIX,
    StartupError,
    check_project,
    check_site_url,
    instance_path,
    retention_days,
    spool_dir,
)
from intake.site import serve_site
from intake.spool import SpoolError
from intake.state import IntakeState
from site_builder.errors import LawtrailError


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create the intake app: defaults, then `LAWTRAIL_*` variables, then `test_config`.

    The defaults and names are those of `intake.settings`, which the CLI reads too."""
    app = Flask(__name__, instance_path=str(instance_path()))
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env(PREFIX)
    if test_config:
        app.config.from_mapping(test_config)
    repo = Path(app.config["REPO"]).resolve()
    proxies = int(app.config["PROXIES"])
    if proxies:
        # Behind trusted proxies only: the reader's address, and the scheme and host they
        # asked for (status answers link to that site, the Origin check compares with it).
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )
    config = repo / app.config["CONFIG_FILE"]
    spool = spool_dir(app.config["SPOOL_DIR"])
    # Fail fast: a worker that cannot serve must not start and answer 500s. The error is one
    # line naming the setting and its fix; gunicorn then stops with a non-zero status.
    try:
        check_project(repo, config)
        check_site_url(app.config["SITE_URL"])
        state = IntakeState(
            config_file=config,
            spool_dir=spool,
            refresh_seconds=float(app.config["REFRESH_SECONDS"]),
            min_free=int(app.config["MIN_FREE_BYTES"]),
            retention_days=retention_days(app.config["SPOOL_RETENTION_DAYS"]),
        )
        _check_spool(state, spool)
    except StartupError:
        raise
    except SpoolError as err:
        raise StartupError(f"LAWTRAIL_SPOOL_DIR: {err}") from None
    except LawtrailError as err:
        raise StartupError(f"{config}: {err}") from None
    app.extensions["lawtrail"] = state
    app.register_blueprint(bp)
    init_api(app)
    if app.config["SITE_DIR"]:
        serve_site(app, Path(app.config["SITE_DIR"]).resolve())
    return app


def _check_spool(state: IntakeState, spool: Path) -> None:
    """The spool must take a write now (free space is the readiness check's business)."""
    probe = spool / f".probe-start-{os.getpid()}"
    try:
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as err:
        raise StartupError(
            f"LAWTRAIL_SPOOL_DIR: {spool} cannot be written ({err.strerror or err}); point it "
            "at a writable folder on a disk with free space."
        ) from None
    state.spool.recover()
