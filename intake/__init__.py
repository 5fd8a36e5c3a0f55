"""Lawtrail intake: the write side. A small Flask app that takes comments anchored to a
draft's structure and keeps them durably in the spool until a moderator merges them.

Production: `gunicorn "intake:create_app()"`, configured by `LAWTRAIL_*` variables
(`intake.settings`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import tempfile
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

WORKER_BOOT_ERROR = 3  # gunicorn's exit status for a worker that cannot start: it halts


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create the intake app: defaults, then `LAWTRAIL_*` variables, then `test_config`.

    The defaults and names are those of `intake.settings`, which the CLI reads too.

    Raises:
        StartupError: a setting is wrong; the message names it and the fix. Under gunicorn,
            that one line is written to its log instead, without a traceback, and the
            worker exits with gunicorn's boot error status, which stops gunicorn.
    """
    try:
        return _create_app(test_config)
    except StartupError as err:
        if not _under_gunicorn():
            raise
        print(f"StartupError: {err}", file=sys.stderr, flush=True)
        raise SystemExit(WORKER_BOOT_ERROR) from None


def _create_app(test_config: dict[str, Any] | None) -> Flask:
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
        if not _started_before():  # a worker started again checks what it loads, below
            check_project(repo, config)
        check_site_url(app.config["SITE_URL"])
        state = IntakeState(
            config_file=config,
            spool_dir=spool,
            refresh_seconds=float(app.config["REFRESH_SECONDS"]),
            min_free=int(app.config["MIN_FREE_BYTES"]),
            retention_days=retention_days(app.config["SPOOL_RETENTION_DAYS"]),
            restarted=_started_before,
        )
        _check_spool(spool)
    except StartupError:
        raise
    except SpoolError as err:
        raise StartupError(f"LAWTRAIL_SPOOL_DIR: {err}") from None
    except LawtrailError as err:
        raise StartupError(f"{config}: {err}") from None
    app.extensions["lawtrail"] = state
    app.register_blueprint(bp)
    try:
        init_api(app)
    except ValueError as err:
        raise StartupError(str(err)) from None
    if app.config["SITE_DIR"]:
        serve_site(app, Path(app.config["SITE_DIR"]).resolve())
    return app


def _check_spool(spool: Path) -> None:
    """The spool must take a write now (free space is the readiness check's business).

    At the first start that is a configuration fault and stops start-up. A worker that
    gunicorn starts again later (after a crash, a timeout or `--max-requests`) while the
    disk is full or read-only is in a storage fault instead: stopping would make gunicorn
    halt the whole intake ("worker failed to boot"), so that worker serves and its POSTs
    answer 503 until the disk recovers, as its siblings' do. A marker outside the spool,
    named for the gunicorn master (our parent), tells the two apart.
    """
    probe = spool / f".probe-start-{os.getpid()}"
    try:
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as err:
        if _started_before():
            logging.getLogger("lawtrail.intake").warning(
                "LAWTRAIL_SPOOL_DIR: %s cannot be written (%s); this worker starts anyway "
                "and answers 503 to comments until the disk takes writes again.",
                spool,
                err.strerror or err,
            )
            return
        raise StartupError(
            f"LAWTRAIL_SPOOL_DIR: {spool} cannot be written ({err.strerror or err}); point it "
            "at a writable folder on a disk with free space."
        ) from None
    if not _under_gunicorn():
        return
    with contextlib.suppress(OSError):  # only a hint for later restarts; never fatal
        marker = _started_marker()
        staged = marker.with_name(f"{marker.name}.{os.getpid()}")
        staged.write_text(_parent_identity())
        staged.replace(marker)


def _started_before() -> bool:
    """Whether a worker of this same parent process (gunicorn's master) started before.

    Only a gunicorn worker asks: an app made in any other process starts as the first."""
    if not _under_gunicorn():
        return False
    try:
        return _started_marker().read_text() == _parent_identity()
    except OSError:
        return False


def _under_gunicorn() -> bool:
    """Whether this process was forked by a gunicorn master (which imported its arbiter)."""
    return "gunicorn.arbiter" in sys.modules


def _started_marker() -> Path:
    return Path(tempfile.gettempdir()) / f"lawtrail-intake-started-{os.getppid()}"


def _parent_identity() -> str:
    """The parent's pid and, where /proc tells it, its start time (pids are reused)."""
    parent = os.getppid()
    try:
        started = Path(f"/proc/{parent}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        started = "?"
    return f"{parent} {started}"
