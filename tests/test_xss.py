"""Hostile text through the whole loop: submitted to the real intake in every published
field, merged and answered with the real `lawtrail` command, built, and opened in Chromium.

Every payload tries to run `window.__xss = 1` (and an alert): a page passes when no dialog
opened, the sentinel stayed unset, no element carries an event handler or a script URL,
and the hostile names read back as the plain text that was typed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner

from intake.cli import main
from tests.conftest import Build, Repo, draft
from tests.test_server import Server, post

BODY = "### Article 1. Fees\n\n1. A reply is due within 15 working days of the request.\n"
OPEN = {"opens": "2026-01-01", "closes": "2099-12-31"}
RUN = "window.top.__xss=1;alert(1)"

PAYLOADS = [
    f"<script>{RUN}</script>",
    f"<img src=x onerror={RUN}>",
    f'<img src="x" onerror="{RUN}">',
    f"<svg onload={RUN}>",
    f"<svg><script>{RUN}</script></svg>",
    f'"><script>{RUN}</script>',
    f"'><img src=x onerror={RUN}>",
    f'" onmouseover="{RUN}" x="',
    f"' autofocus onfocus='{RUN}' x='",
    f"<body onload={RUN}>",
    f"<details open ontoggle={RUN}>",
    f"<input autofocus onfocus={RUN}>",
    f"<video><source onerror={RUN}></video>",
    f"<audio src=x onerror={RUN}>",
    f'<iframe src="javascript:{RUN}"></iframe>',
    f'<iframe srcdoc="<script>{RUN}</script>"></iframe>',
    f'<object data="javascript:{RUN}"></object>',
    f'<embed src="javascript:{RUN}">',
    f'<form action="javascript:{RUN}"><button>Send</button></form>',
    f'<a href="javascript:{RUN}">click</a>',
    f'<a href="&#106;avascript:{RUN}">click</a>',
    f'<a href="JaVaScRiPt:{RUN}">click</a>',
    f"[click](javascript:{RUN})",
    f"[click](JAVASCRIPT:{RUN})",
    f"![x](x){{onerror={RUN}}}",
    f"<javascript:{RUN}>",
    f'<a href="data:text/html,<script>{RUN}</script>">click</a>',
    f'<meta http-equiv="refresh" content="0;url=javascript:{RUN}">',
    f'<base href="javascript:{RUN}//">',
    f'<svg><a xlink:href="javascript:{RUN}"><text y="20">click</text></a></svg>',
    f"<math><mtext><table><mglyph><style><img src=x onerror={RUN}>",
    f'<noscript><p title="</noscript><img src=x onerror={RUN}>">',
    f"</textarea><script>{RUN}</script>",
    f"</title><script>{RUN}</script>",
    f"--><script>{RUN}</script>",
    f"]]><script>{RUN}</script>",
    f"<scr<script>ipt>{RUN}</scr</script>ipt>",
    f"<style>*{{background:url('javascript:{RUN}')}}</style>",
    f"`<img src=x onerror={RUN}>`",
    f'{{{{constructor.constructor("{RUN}")()}}}}',
    "{{7*7}} ${7*7} <%= 7*7 %> {% raw %}",
    f"<template><script>{RUN}</script></template>",
]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Build, list[str], str]]:
    """Every payload submitted through gunicorn in every published field, merged, partly
    answered with a payload, then built and served by the intake (whose status answers the
    tracking page shows): the site, the tracking numbers and the address."""
    root = tmp_path_factory.mktemp("xss")
    repo = Repo(root / "project")
    repo.take_comments()
    repo.git("add", "-A")
    repo.commit("Take comments")
    sha = repo.revise("fees", draft(BODY, discussion=OPEN))
    built = repo.build()
    assert built.returncode == 0, built.output
    spool = root / "spool"
    server = Server(repo.root, spool, workers=2, LAWTRAIL_SITE_DIR=str(built.site))
    try:
        ids = []
        for n, payload in enumerate(PAYLOADS):
            status, answer = post(server.url, submission(sha, payload, n))
            assert status == 201, (payload, answer)
            ids.append(answer["id"])
        cli = ["--repo", str(repo.root), "--spool", str(spool)]
        runner = CliRunner()
        merged = runner.invoke(main, [*cli, "reviews", "merge", *ids, "--by", "Mo Derator"])
        assert merged.exit_code == 0, merged.output
        for review_id, payload in list(zip(ids, PAYLOADS, strict=True))[::4]:
            answered = runner.invoke(
                main,
                [*cli, "respond", f"{review_id}-1", "--disposition", "noted", "--text", payload],
            )
            assert answered.exit_code == 0, answered.output
        built = repo.build()  # into the folder the intake serves
        assert built.returncode == 0, built.output
        yield built, ids, server.url
    finally:
        server.kill()


def submission(sha: str, payload: str, n: int) -> bytes:
    """A review carrying the payload in every field the site publishes (the body numbered,
    so that no two are grouped as copies of one campaign)."""
    return json.dumps(
        {
            "draft": "fees",
            "revision": sha,
            "author": {"name": payload, "organization": payload},
            "comments": [
                {
                    "target": {
                        "eid": "art_1__para_1",
                        "quote": {"exact": "15 working days", "prefix": payload, "suffix": payload},
                    },
                    "body": f"{payload} #{n}",
                    "suggestion": payload,
                    "rationale": payload,
                }
            ],
        }
    ).encode()


# Every element that could run script: handlers, script URLs and script elements the site
# did not ship.
DANGER = """() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const value = attr.value.replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase();
      if (attr.name.startsWith('on')) found.push(`${el.tagName} ${attr.name}`);
      if (/^(javascript|vbscript|data:text\\/html)/.test(value)) {
        found.push(`${el.tagName} ${attr.name}=${value}`);
      }
    }
    if (el.tagName === 'SCRIPT' && el.textContent.includes('__xss')) found.push('SCRIPT');
    const embedded = ['IFRAME', 'OBJECT', 'EMBED', 'BASE', 'META'].includes(el.tagName);
    if (embedded && el.closest('main, article, table')) found.push(el.tagName);
  }
  return found;
}"""


def pages(built: Build, ids: list[str]) -> list[str]:
    """Every page that shows submitted text: the draft, its comments, each review, the
    accountability page, and the tracking page of each review (filled from the API)."""
    paths = ["drafts/fees/", "drafts/fees/comments/", "accountability/"]
    paths += [f"drafts/fees/reviews/{review_id}/" for review_id in ids]
    for path in paths:
        assert (built.site / path / "index.html").is_file(), path
    return paths + [f"track/?id={review_id}" for review_id in ids]


def test_no_payload_runs_on_any_page_that_shows_submitted_text(
    browser: Any, hostile: tuple[Build, list[str], str]
) -> None:
    """No dialog, no sentinel, no handler or script URL in the DOM, on every page, also
    after every comment thread is opened and every element is hovered and focused."""
    built, ids, url = hostile
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        for path in pages(built, ids):
            page.goto(f"{url}/{path}")
            page.wait_for_load_state("load")
            if path.startswith("track/"):
                shown = page.wait_for_selector(".lt-track__result:not([hidden])").inner_text()
                assert shown.startswith("Published"), (path, shown)
            for summary in page.locator("details summary").all():
                if summary.is_visible():
                    summary.click()
            fields = page.locator(".lt-comment, .lt-proposals td, .lt-track__comment")
            for field in [f for f in fields.all() if f.is_visible()][:40]:
                field.hover()
            page.wait_for_timeout(50)  # an onerror of a broken image fires after load
            assert page.evaluate("() => window.__xss") is None, path
            assert page.evaluate(DANGER) == [], path
        assert dialogs == []
    finally:
        context.close()


def test_hostile_names_and_quotes_read_back_as_typed(
    hostile: tuple[Build, list[str], str],
) -> None:
    """A review page shows the name, organisation, quote context and suggestion as the
    plain text that was submitted: escaped, not dropped and not interpreted."""
    built, ids, _ = hostile
    for review_id, payload in zip(ids, PAYLOADS, strict=True):
        page = built.html(f"drafts/fees/reviews/{review_id}/")
        text = page.get_text()
        assert payload.strip() in text, (review_id, payload)
        head = page.select_one(".lt-comment__head")
        assert head is not None and payload.strip() in head.get_text(), payload
    table = built.html("drafts/fees/comments/")
    authors = {row.find_all("td")[4].get_text() for row in table.select(".lt-proposals tbody tr")}
    assert {f"{p.strip()} ({p.strip()})" for p in PAYLOADS} <= authors
