"""Serving the built site beside the API, for `make run` (production uses a web server;
docs/deployment.md shows the same three rules for nginx).

- A file of the site is served as it is; a folder redirects to its address with a `/`.
- The address of a review's page that is not built yet (merged since the last build, or
  still pending) gets the tracking page (`urls.UNBUILT_REVIEW_SRC`) with status 200: its
  script reads the tracking number from the address and shows where the review stands.
- Any other missing address gets the site's own `404.html` with status 404. Under `/api/`
  the API's JSON errors answer instead.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, abort, current_app, redirect, request, send_file, send_from_directory
from werkzeug.security import safe_join
from werkzeug.wrappers import Response

from site_builder.reviews import REVIEW_ID
from site_builder.urls import UNBUILT_REVIEW_SRC, review_page_of, url_of

NOT_FOUND_PAGE = "404.html"  # MkDocs writes it with absolute links: it works at any address


def serve_site(app: Flask, site: Path) -> None:
    """Serve the built site in `site` at `/`, with the rules above."""

    @app.get("/", defaults={"path": ""})
    @app.get("/<path:path>")
    def site_file(path: str) -> Response:
        if path.startswith("api/"):
            abort(404)  # the API's own JSON 404
        page = path + "index.html" if path == "" or path.endswith("/") else path
        found = safe_join(str(site), page)
        if found is not None and Path(found).is_file():
            return send_from_directory(site, page)
        if found is not None and Path(found).is_dir():
            return redirect(f"/{path}/", code=301)
        directory_urls = current_app.extensions["lawtrail"].corpus.directory_urls
        review = review_page_of(path, directory_urls)
        if review is not None and REVIEW_ID.match(review[1]):
            unbuilt = site / _file_of(url_of(UNBUILT_REVIEW_SRC, directory_urls))
            if directory_urls and not request.path.endswith(("/", ".html")):
                # Its links are relative to the folder: the address must end in "/".
                return redirect(f"/{path}/", code=301)
            if unbuilt.is_file():
                return send_file(unbuilt, mimetype="text/html")
        missing = site / NOT_FOUND_PAGE
        if missing.is_file():
            return Response(missing.read_bytes(), status=404, mimetype="text/html")
        abort(404)


def _file_of(url: str) -> str:
    """The file a site-relative URL is served from."""
    return url + "index.html" if url.endswith("/") else url
