"""What the public record costs a build: the same corpus with and without merged comments.

The corpus is `benchmarks/corpus.py`'s (N drafts x R revisions of legal-looking text, one
`git fast-import`). The second copy adds merged review files holding C comments in all
(default 10,000), made on an older revision so every one is re-anchored, 60 % quoting a few
words, 40 % answered. Both are built the same way, each in a fresh child Python; the figure
is the ratio of build times (target <= 1.5).

    .venv/bin/python benchmarks/record.py [--drafts 200] [--revisions 10] [--comments 10000]
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.corpus import Draft, generate
from benchmarks.measuring import measure
from benchmarks.sites import git, make_repo
from site_builder.render import Renderer
from site_builder.reviews import dump_review
from site_builder.urls import review_file, reviews_dir

TARGET = 1.5
_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"


def add_reviews(repo: Path, drafts: list[Draft], comments: int, seed: int) -> int:
    """Write merged review files with `comments` comments in all and commit them."""
    rng = random.Random(f"{seed}:reviews")
    renderer = Renderer(["toc", "tables"], {})
    per_draft = max(1, comments // len(drafts))
    written = reviews = 0
    for draft in drafts:
        revision = draft.revisions[max(0, len(draft.revisions) - 4)]
        elements = [e for e in renderer.render(revision.body).outline.elements if e.text]
        folder = reviews_dir(repo / "drafts", draft.slug)
        folder.mkdir(parents=True, exist_ok=True)
        left = per_draft if draft is not drafts[-1] else comments - written
        while left > 0:
            size = min(left, rng.randint(1, 19))
            reviews += 1
            review_id = "20260301-" + "".join(rng.choice(_ALPHABET) for _ in range(10))
            items = []
            for n in range(1, size + 1):
                element = rng.choice(elements)
                target: dict[str, object] = {"eid": element.eid, "wid": element.eid}
                words = element.text.split()
                if rng.random() < 0.6 and len(words) > 8:
                    start = rng.randrange(0, len(words) - 8)
                    target["quote"] = {"exact": " ".join(words[start : start + rng.randint(3, 8)])}
                item: dict[str, object] = {
                    "id": f"{review_id}-{n}",
                    "target": target,
                    "body": f"Comment {n} on {element.label}: please reconsider this wording.",
                }
                if rng.random() < 0.4:
                    item["response"] = {
                        "disposition": rng.choice(("accepted", "rejected", "noted")),
                        "text": "Thank you; see the revised text.",
                        "by": "Drafting team",
                        "date": "2026-03-20",
                    }
                items.append(item)
            review = {
                "id": review_id,
                "draft": draft.slug,
                "revision": revision.sha,
                "submitted": "2026-03-01T10:00:00Z",
                "author": {"name": f"Citizen {reviews}"},
                "comments": items,
                "moderation": {"status": "merged", "by": "Moderator", "date": "2026-03-02"},
            }
            path = review_file(repo / "drafts", draft.slug, review_id)
            path.write_text(dump_review(review), encoding="utf-8")
            written += size
            left -= size
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", f"Merge {reviews} reviews")
    return reviews


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--drafts", type=int, default=200)
    parser.add_argument("--revisions", type=int, default=10)
    parser.add_argument("--comments", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="lawtrail-record-"))
    try:
        drafts = generate(args.drafts, args.revisions, args.seed)
        plain = root / "plain"
        make_repo(plain, drafts, args.seed)
        commented = root / "commented"
        subprocess.run(["git", "clone", "-q", str(plain), str(commented)], check=True)
        reviews = add_reviews(commented, drafts, args.comments, args.seed)
        without = measure("lawtrail", plain)
        with_comments = measure("lawtrail", commented)
        ratio = with_comments["seconds"] / without["seconds"]
        cpu_ratio = with_comments["cpu_seconds"] / without["cpu_seconds"]
        print(f"Public-record benchmark: {args.drafts} drafts x {args.revisions} revisions")
        print(f"  merged comments: {args.comments:,} in {reviews:,} reviews")
        print(f"                        {'without':>10} {'with':>10}")
        for key, label in (
            ("pages", "pages"),
            ("seconds", "build seconds"),
            ("cpu_seconds", "CPU seconds"),
            ("peak_mb", "peak memory MB"),
        ):
            print(f"  {label:<20}  {without[key]:>10,.1f} {with_comments[key]:>10,.1f}")
        verdict = "ok" if ratio <= TARGET else "MISSED"
        print(
            f"  build time with / without comments: {ratio:.2f} x "
            f"(target <= {TARGET} x)   {verdict}"
        )
        print(f"  same ratio in CPU time:             {cpu_ratio:.2f} x")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
