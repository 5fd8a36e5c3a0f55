"""The intake API (`/api/v1`): routes, request parsing and the contract's error shape.

Every refusal is a 4xx with `{"error": {"code", "message", "field"}}`; bad input never
reaches a 500. Messages are in the shipped language the reader's `Accept-Language` prefers
(named in `Content-Language`); codes and fields are the same in every language. The
request body is read by hand, bounded: Werkzeug would silently cut a chunked body at its
limit and the JSON would then fail to parse as if it were malformed.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Flask, current_app, jsonify, request
from flask_cors import CORS
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from intake.openapi import openapi_document
from intake.ratelimit import Exceeded, RateLimit
from intake.spool import SpoolError
from intake.state import CorpusUnavailable, IntakeState
from intake.submissions import Rejection, validate_submission
from intake.tracking import review_status as tracked_status
from intake.tracking import site_base
from site_builder.i18n import N_, negotiate, translations
from site_builder.reviews import REVIEW_ID, new_review_id

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def init_api(app: Flask) -> None:
    """Wire rate limiting, CORS and the JSON error handlers into an app that has `bp`.

    The limiter is built here, one per app: nothing is created when this module is imported.

    Raises:
        ValueError: LAWTRAIL_RATE_LIMIT or LAWTRAIL_RATE_LIMIT_STORAGE_URI cannot be used.
    """
    app.extensions["lawtrail_rate_limit"] = RateLimit(
        str(app.config["RATE_LIMIT"]), str(app.config["RATE_LIMIT_STORAGE_URI"])
    )
    origins = _allowed_origins(app)
    app.extensions["lawtrail_origins"] = frozenset(origins)
    CORS(app, resources={r"/api/*": {"origins": origins or []}}, supports_credentials=False)
    app.before_request(_refuse_foreign_origin)
    app.after_request(_content_language)
    app.register_error_handler(Rejection, _rejection)
    app.register_error_handler(SpoolError, _spool_unavailable)
    app.register_error_handler(CorpusUnavailable, _spool_unavailable)
    app.register_error_handler(HTTPException, _http_error)


def state() -> IntakeState:
    """This worker's corpus and spool."""
    found: IntakeState = current_app.extensions["lawtrail"]
    found.start()
    return found


@bp.post("/reviews")
def submit_review() -> tuple[Response, int, dict[str, str]]:
    """Accept a review: validate, store durably, then answer with its tracking number."""
    limited = current_app.extensions["lawtrail_rate_limit"].hit(request.remote_addr or "unknown")
    if limited is not None:
        return _rate_limited(limited)
    if request.mimetype != "application/json":
        raise Rejection("unsupported_media_type", "Send the review as application/json.")
    payload = _read_json(int(current_app.config["MAX_BODY_BYTES"]))
    now = datetime.now(UTC)
    intake = state()
    submission = validate_submission(payload, intake.corpus, now, new_review_id(now))
    try:
        if submission.suspect:
            # Same answer as any other: a bot learns nothing from the response.
            intake.spool.save_suspect(submission.review)
        else:
            intake.spool.save(submission.review, submission.contact)
    except SpoolError as err:
        current_app.logger.error("spool refused a review: %s", err)
        message = _UNCONFIRMED if err.written else _STORAGE_MESSAGES[err.code]
        raise Rejection(err.code, message) from err
    review_id = submission.review.id
    # What url_for("api.review_status") gives, without building a URL adapter per request.
    status_url = f"{request.script_root}{bp.url_prefix}/reviews/{review_id}"
    body = {"id": review_id, "status": "pending", "status_url": status_url}
    return jsonify(body), 201, {"Location": status_url}


@bp.get("/reviews/<review_id>")
def review_status(review_id: str) -> Response:
    """Where a submission stands: pending, merged (with its comments' answers) or rejected
    (with the public reason); no personal data (`intake.tracking`)."""
    if not REVIEW_ID.match(review_id):
        raise Rejection("unknown_review", "There is no review with that number.", "id")
    intake = state()
    site = site_base(current_app.config["SITE_URL"], request.host_url, intake.corpus.site_url)
    body = tracked_status(intake, review_id, site, _language())
    if body is None:
        raise Rejection("unknown_review", "There is no review with that number.", "id")
    return jsonify(body)


@bp.get("/drafts/<slug>")
def draft_status(slug: str) -> Response:
    """A draft's current revision, stage, discussion window and whether it is open now."""
    corpus = state().corpus
    published = corpus.drafts.get(slug)
    if published is None:
        raise Rejection("unknown_draft", "There is no draft '%(slug)s'.", "slug", {"slug": slug})
    draft = published.draft
    window = draft.meta.discussion
    return jsonify(
        {
            "slug": slug,
            "title": draft.meta.title,
            "stage": draft.meta.stage,
            "revision": draft.in_force.revision.sha if draft.in_force else None,
            "discussion": {"opens": window.opens.isoformat(), "closes": window.closes.isoformat()}
            if window
            else None,
            "open": corpus.window_open(slug, datetime.now(UTC)),
            "timezone": corpus.timezone,
        }
    )


@bp.get("/health")
def health() -> tuple[Response, int]:
    """200 when the spool is writable, else 503."""
    if state().spool.writable():
        return jsonify({"status": "ok"}), 200
    return jsonify(_error("unavailable", _("The spool is not writable."))), 503


@bp.get("/ready")
def ready() -> tuple[Response, int]:
    """Readiness: the corpus is loaded (at which commit; why the last load failed, if it
    did) and the spool takes writes with room to spare; 503 with the same body when not."""
    intake: IntakeState = current_app.extensions["lawtrail"]  # asks, never repairs
    corpus = intake.loaded
    spool = intake.spool
    free = spool.free_bytes()
    writable = spool.writable()
    body = {
        "ready": writable and corpus is not None,
        "corpus": {
            "loaded": corpus is not None,
            "commit": corpus.commit if corpus else None,
            "drafts": len(corpus.drafts) if corpus else 0,
            "loaded_at": intake.loaded_at or None,
            "error": intake.load_error,
        },
        "spool": {"writable": writable, "free_bytes": free, "min_free_bytes": spool.min_free},
    }
    return jsonify(body), 200 if body["ready"] else 503


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3 description of this API."""
    return jsonify(openapi_document())


def _read_json(limit: int) -> Any:
    """The body as JSON, refusing more than `limit` bytes whether or not it is chunked."""
    length = request.content_length
    if length is not None and length > limit:
        raise Rejection(
            "too_large", "The request body is over %(limit)d bytes.", None, {"limit": limit}
        )
    raw = request.stream.read(limit + 1)
    if len(raw) > limit:
        raise Rejection(
            "too_large", "The request body is over %(limit)d bytes.", None, {"limit": limit}
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise Rejection("invalid_encoding", "The request body is not valid UTF-8.") from err
    try:
        return json.loads(text)
    except RecursionError as err:  # a few KB of brackets: refused before anything reads it
        raise Rejection(
            "malformed_json",
            "The request body nests arrays or objects too deeply; send a review as "
            "docs/api.md shows.",
        ) from err
    except ValueError as err:
        raise Rejection(
            "malformed_json", "The request body is not valid JSON: %(error)s", None, {"error": err}
        ) from err


def _allowed_origins(app: Flask) -> list[str]:
    raw = str(app.config["ALLOWED_ORIGINS"] or "")
    return [origin.strip().rstrip("/") for origin in raw.split(",") if origin.strip()]


def _refuse_foreign_origin() -> None:
    """CORS only hides the answer from a foreign page; the request would still run."""
    origin = request.headers.get("Origin")
    if origin is None or not request.path.startswith("/api/"):
        return
    own = request.host_url.rstrip("/")
    if (
        origin.rstrip("/") != own
        and origin.rstrip("/") not in current_app.extensions["lawtrail_origins"]
    ):
        raise Rejection(
            "forbidden_origin",
            "Requests from %(origin)s are not accepted.",
            "Origin",
            {"origin": origin},
        )


# What a reader is told when the spool cannot take a review; the operator's log has the cause.
# English msgids: a refusal says them in the reader's language.
_STORAGE_MESSAGES = {
    "storage_full": N_(
        "The comment service is out of storage space; nothing was stored. Please try again later."
    ),
    "storage_read_only": N_(
        "The comment service cannot store comments right now; nothing was stored. "
        "Please try again later."
    ),
    "storage_unavailable": N_(
        "The comment service cannot store comments right now; nothing was stored. "
        "Please try again later."
    ),
}

# When the review was written but its fdatasync failed, it may be kept after all: the reader
# must not be told that nothing was stored. A copy sent again is grouped with it for
# moderators (identical comments are), so sending it again is the safe advice.
_UNCONFIRMED = N_(
    "The comment service could not confirm that your comment was stored. Please send it "
    "again later; if the first copy was kept, moderators see the two as one."
)

# What each refusal means over HTTP; anything not listed is a 422 (well-formed, but wrong).
_STATUS = {
    "malformed_json": 400,
    "invalid_encoding": 400,
    "unknown_draft": 404,
    "unknown_review": 404,
    "discussion_closed": 409,
    "draft_removed": 409,
    "too_large": 413,
    "unsupported_media_type": 415,
    "forbidden_origin": 403,
    "unavailable": 503,
    "storage_full": 503,
    "storage_read_only": 503,
    "storage_unavailable": 503,
}


def _rejection(err: Rejection) -> tuple[Response, int]:
    return jsonify(err.body(_language())), _STATUS.get(err.code, 422)


def _spool_unavailable(err: SpoolError | CorpusUnavailable) -> tuple[Response, int]:
    what = "spool" if isinstance(err, SpoolError) else "drafts"
    current_app.logger.error("%s unavailable: %s", what, err)
    message = _("Comments cannot be stored or read right now; nothing was stored. Try later.")
    return jsonify(_error("unavailable", message)), 503


def _rate_limited(exceeded: Exceeded) -> tuple[Response, int, dict[str, str]]:
    message = _("Too many submissions from your address (%(limit)s); try later.") % {
        "limit": exceeded.limit
    }
    return jsonify(_error("rate_limited", message)), 429, {"Retry-After": str(exceeded.retry_after)}


def _http_error(err: HTTPException) -> Response | HTTPException:
    if not request.path.startswith("/api/"):
        return err
    code = (err.name or "error").lower().replace(" ", "_")
    # Werkzeug's descriptions are English only: the reader gets ours.
    message = _("The request could not be handled: %(status)s %(name)s.") % {
        "status": err.code,
        "name": err.name,
    }
    response = jsonify(_error(code, message))
    response.status_code = err.code or 500
    return response


def _language() -> str:
    """The shipped language this request's `Accept-Language` prefers (English if none)."""
    return negotiate(request.headers.get("Accept-Language"))


def _(message: str) -> str:
    """A message in the language of this request."""
    return translations(_language()).gettext(message)


def _error(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "field": None}}


def _content_language(response: Response) -> Response:
    """Name the language the API's messages are in; caches keep one answer per language."""
    if request.path.startswith("/api/"):
        response.headers["Content-Language"] = _language()
        response.vary.add("Accept-Language")
    return response
