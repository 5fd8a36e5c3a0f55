"""The OpenAPI 3.0 description of the intake API, built from the same limits it enforces."""

from __future__ import annotations

from typing import Any

from site_builder.limits import (
    MAX_BODY,
    MAX_COMMENTS,
    MAX_CONTEXT,
    MAX_EID,
    MAX_EMAIL,
    MAX_LANGUAGE,
    MAX_NAME,
    MAX_QUOTE,
)
from site_builder.reviews import DISPOSITIONS, STATUSES


def _string(max_length: int, min_length: int = 0, **extra: Any) -> dict[str, Any]:
    return {"type": "string", "minLength": min_length, "maxLength": max_length, **extra}


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _json(description: str, schema: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message", "field"],
                "properties": {
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "field": {"type": "string", "nullable": True},
                },
            }
        },
    },
    "Quote": {
        "type": "object",
        "description": "W3C TextQuoteSelector within the target element.",
        "additionalProperties": False,
        "required": ["exact"],
        "properties": {
            "exact": _string(MAX_QUOTE, 1),
            "prefix": _string(MAX_CONTEXT),
            "suffix": _string(MAX_CONTEXT),
        },
    },
    "Comment": {
        "type": "object",
        "additionalProperties": False,
        "required": ["target", "body"],
        "properties": {
            "target": {
                "type": "object",
                "additionalProperties": False,
                "required": ["eid"],
                "properties": {
                    "eid": _string(MAX_EID, 1, example="art_5__para_2"),
                    "quote": {"$ref": "#/components/schemas/Quote"},
                },
            },
            "body": _string(MAX_BODY, 1, description="Markdown; sanitised when shown."),
            "suggestion": _string(MAX_BODY, description="Proposed wording."),
            "rationale": _string(MAX_BODY),
        },
    },
    "ReviewRequest": {
        "type": "object",
        "additionalProperties": False,
        "required": ["draft", "revision", "comments"],
        "properties": {
            "draft": _string(100, 1, pattern="^[a-z0-9]+(-[a-z0-9]+)*$"),
            "revision": _string(40, 7, pattern="^[0-9a-f]{7,40}$"),
            "language": _string(
                MAX_LANGUAGE,
                2,
                example="kk",
                description="The language version the reader saw (draft.<language>.md), "
                "whose words the quotes are; absent for the draft's own language.",
            ),
            "author": {
                "type": "object",
                "additionalProperties": False,
                "properties": {"name": _string(MAX_NAME), "organization": _string(MAX_NAME)},
            },
            "contact": {
                "type": "object",
                "description": "Kept apart from the review; never published.",
                "additionalProperties": False,
                "required": ["email"],
                "properties": {"email": _string(MAX_EMAIL)},
            },
            "comments": {
                "type": "array",
                "minItems": 1,
                "maxItems": MAX_COMMENTS,
                "items": {"$ref": "#/components/schemas/Comment"},
            },
            "website": _string(MAX_NAME, description="Honeypot: leave empty."),
        },
    },
    "Created": {
        "type": "object",
        "required": ["id", "status", "status_url"],
        "properties": {
            "id": {"type": "string"},
            "status": {"type": "string", "enum": ["pending"]},
            "status_url": {"type": "string"},
        },
    },
    "ReviewStatus": {
        "type": "object",
        "description": "Where a submission stands (docs/api.md, Following a review).",
        "additionalProperties": False,
        "required": ["id", "status", "draft"],
        "properties": {
            "id": {"type": "string"},
            "status": {"type": "string", "enum": list(STATUSES)},
            "draft": {"type": "string"},
            "submitted": {"type": "string", "description": "Pending: when it was received."},
            "url": {"type": "string", "description": "Merged: the review's public page."},
            "published": {
                "type": "string",
                "format": "date",
                "description": "Merged: the day it was merged.",
            },
            "comments": {
                "type": "array",
                "description": "Merged: its comments, each with its answer once given.",
                "items": {"$ref": "#/components/schemas/TrackedComment"},
            },
            "reason": {"type": "string", "description": "Rejected: the public reason."},
        },
    },
    "TrackedComment": {
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "element", "label", "url", "answer"],
        "properties": {
            "id": {"type": "string"},
            "element": {"type": "string", "description": "The eId commented on."},
            "label": {"type": "string", "description": "The element's label."},
            "url": {"type": "string", "description": "The comment on the review's page."},
            "answer": {
                "type": "object",
                "nullable": True,
                "additionalProperties": False,
                "required": ["disposition", "text", "by", "date"],
                "properties": {
                    "disposition": {"type": "string", "enum": list(DISPOSITIONS)},
                    "text": {"type": "string"},
                    "by": {"type": "string"},
                    "date": {"type": "string", "format": "date"},
                    "addressed_in": {"type": "string"},
                },
            },
        },
    },
    "DraftStatus": {
        "type": "object",
        "required": ["slug", "title", "stage", "revision", "discussion", "open", "timezone"],
        "properties": {
            "slug": {"type": "string"},
            "title": {"type": "string"},
            "stage": {
                "type": "string",
                "enum": ["initiated", "discussion", "revision", "adopted", "withdrawn"],
            },
            "revision": {"type": "string", "nullable": True},
            "discussion": {
                "type": "object",
                "nullable": True,
                "required": ["opens", "closes"],
                "properties": {
                    "opens": {"type": "string", "format": "date"},
                    "closes": {"type": "string", "format": "date"},
                },
            },
            "open": {"type": "boolean"},
            "timezone": {"type": "string"},
        },
    },
    "Health": {
        "type": "object",
        "required": ["status"],
        "properties": {"status": {"type": "string", "enum": ["ok"]}},
    },
    "Ready": {
        "type": "object",
        "required": ["ready", "corpus", "spool"],
        "properties": {
            "ready": {"type": "boolean"},
            "corpus": {
                "type": "object",
                "required": ["loaded", "commit", "drafts", "loaded_at", "error"],
                "properties": {
                    "loaded": {"type": "boolean"},
                    "commit": {"type": "string", "nullable": True},
                    "drafts": {"type": "integer"},
                    "loaded_at": {"type": "string", "nullable": True},
                    "error": {
                        "type": "string",
                        "nullable": True,
                        "description": "Why the last load of the drafts failed (a reload "
                        "keeps the drafts loaded before); null when it succeeded.",
                    },
                },
            },
            "spool": {
                "type": "object",
                "required": ["writable", "free_bytes", "min_free_bytes"],
                "properties": {
                    "writable": {"type": "boolean"},
                    "free_bytes": {"type": "integer"},
                    "min_free_bytes": {"type": "integer"},
                },
            },
        },
    },
}

_FORBIDDEN = _error("The request's Origin is not allowed.")
_UNAVAILABLE = _error("The spool cannot be read or written right now.")


def openapi_document() -> dict[str, Any]:
    """The whole OpenAPI document."""
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Lawtrail intake",
            "version": "1.0.0",
            "description": "Comments on draft laws, anchored to their structural elements.",
        },
        "paths": {
            "/api/v1/reviews": {
                "post": {
                    "operationId": "submitReview",
                    "summary": "Submit a review (one or more comments on one revision).",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/ReviewRequest"}
                            }
                        },
                    },
                    "responses": {
                        "201": _json("Stored durably; pending moderation.", "Created"),
                        "400": _error("Malformed JSON, nested too deeply, or not UTF-8."),
                        "403": _FORBIDDEN,
                        "404": _error("Unknown draft."),
                        "409": _error(
                            "The draft's discussion is not open now, or the draft was "
                            "removed from the repository."
                        ),
                        "413": _error("The body is over 64 KB."),
                        "415": _error("Not application/json."),
                        "422": _error(
                            "A field is wrong: unknown revision, element or language, a "
                            "quote not in its element, a type, length or character."
                        ),
                        "429": {
                            **_error("Rate limited: too many submissions from this address."),
                            "headers": {
                                "Retry-After": {
                                    "description": "Seconds until the limit's window ends.",
                                    "schema": {"type": "integer", "minimum": 1},
                                }
                            },
                        },
                        "503": _error("The spool cannot store reviews right now."),
                    },
                }
            },
            "/api/v1/reviews/{review_id}": {
                "get": {
                    "operationId": "reviewStatus",
                    "summary": "Where a submission stands.",
                    "parameters": [
                        {
                            "name": "review_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {
                        "200": _json("The review's status.", "ReviewStatus"),
                        "403": _FORBIDDEN,
                        "404": _error("No such review."),
                        "503": _UNAVAILABLE,
                    },
                }
            },
            "/api/v1/drafts/{slug}": {
                "get": {
                    "operationId": "draftStatus",
                    "summary": "A draft's revision, stage and discussion window.",
                    "parameters": [
                        {
                            "name": "slug",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {
                        "200": _json("The draft.", "DraftStatus"),
                        "403": _FORBIDDEN,
                        "404": _error("No such draft."),
                    },
                }
            },
            "/api/v1/health": {
                "get": {
                    "operationId": "health",
                    "summary": "Whether the spool is writable.",
                    "responses": {
                        "200": _json("The spool is writable.", "Health"),
                        "403": _FORBIDDEN,
                        "503": _error("The spool is not writable."),
                    },
                }
            },
            "/api/v1/ready": {
                "get": {
                    "operationId": "ready",
                    "summary": "Whether this worker can take reviews: corpus loaded, spool "
                    "writable with free space.",
                    "responses": {
                        "200": _json("Ready.", "Ready"),
                        "403": _FORBIDDEN,
                        "503": _json("Not ready; the body says what is missing.", "Ready"),
                    },
                }
            },
            "/api/v1/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document.",
                    "responses": {
                        "200": {
                            "description": "The OpenAPI document.",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                        "403": _FORBIDDEN,
                    },
                }
            },
        },
        "components": {"schemas": SCHEMAS},
    }
