"""Every size limit of a submission, defined once.

The intake enforces them (`intake/submissions.py`) and publishes them in its OpenAPI
document; the builder writes the ones the comment form needs into the page as data
attributes (`data-lt-max-body`), so the page script counts against the same number and
copies none.
"""

from __future__ import annotations

MAX_COMMENTS = 50  # comments per review
MAX_BODY = 5000  # characters per body, suggestion or rationale, as regulations.gov allows
MAX_NAME = 200  # characters per author name or organisation (and the honeypot)
MAX_EID = 200  # characters per element id
MAX_QUOTE = 2000  # characters per quoted passage
MAX_CONTEXT = 200  # characters of quote prefix or suffix
MAX_EMAIL = 254  # characters per contact e-mail (RFC 5321)
MAX_LANGUAGE = 35  # characters per language code (the BCP 47 length that must be supported)
