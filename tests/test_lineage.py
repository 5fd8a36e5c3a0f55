"""Which element of a new revision is which element of the last one (its wId): a comment
stays on the provision it was written on, and redlines say "amended", not "deleted" and
"inserted", when a provision was rewritten in place."""

from __future__ import annotations

from site_builder.lineage import trace_wids
from site_builder.render import Renderer


def wids(old: str, new: str) -> tuple[dict[str, str], dict[str, str]]:
    """The eId -> wId tables of two revisions of one text."""
    renderer = Renderer(["toc"], {})
    old_table, new_table = trace_wids([renderer.render(old).outline, renderer.render(new).outline])
    return old_table, new_table


def test_a_filled_in_placeholder_is_the_same_provision() -> None:
    """The skeleton `lawtrail drafts new` writes ("1. ...") filled in by the drafter keeps
    its article and paragraph: nothing was deleted."""
    old, new = wids(
        "### Article 1. Purpose\n\n1. ...\n",
        "### Article 1. Purpose\n\n1. This code governs the use of water from wells.\n\n"
        "2. It applies to every owner of a well.\n",
    )
    assert new["art_1"] == old["art_1"]
    assert new["art_1__para_1"] == old["art_1__para_1"]
    assert new["art_1__para_2"] not in old.values()


def test_an_article_rewritten_under_its_title_is_the_same_article() -> None:
    """Every word of Article 2 changed, its number and title did not: it was amended."""
    before = "### Article 1. Scope\n\n1. Wells.\n\n### Article 2. Fees\n\n1. A fee of 10 is due.\n"
    after = before.replace(
        "1. A fee of 10 is due.", "1. Operators pay yearly charges set by the ministry."
    )
    old, new = wids(before, after)
    assert new["art_2"] == old["art_2"]


def test_new_words_under_a_new_title_are_a_new_article() -> None:
    """The same number with another title and other words is another provision: the old
    one's comments do not move onto it."""
    before = "### Article 1. Scope\n\n1. Wells.\n\n### Article 2. Fees\n\n1. A fee of 10 is due.\n"
    after = before.replace(
        "### Article 2. Fees\n\n1. A fee of 10 is due.",
        "### Article 2. Appeals\n\n1. Decisions may be appealed in court.",
    )
    old, new = wids(before, after)
    assert new["art_1"] == old["art_1"]
    assert new["art_2"] not in old.values()
