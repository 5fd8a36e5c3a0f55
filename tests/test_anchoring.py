"""Re-anchoring review comments onto later revisions of a draft, on really rendered editions."""

from __future__ import annotations

import random
import re
import textwrap

import pytest

from site_builder.anchoring import (
    CURRENT,
    MOVED,
    ORPHANED,
    OUTDATED,
    Anchor,
    Reanchorer,
    Target,
    reanchor,
)
from site_builder.anchoring.edits import distance, end_distances
from site_builder.lineage import trace_wids
from site_builder.render import Edition, Renderer


def md(text: str) -> str:
    """Markdown written indented in a test, dedented."""
    return textwrap.dedent(text).lstrip("\n")


def editions(*bodies: str) -> list[Edition]:
    """Each body rendered through the real pipeline, with wIds traced through all of them."""
    renderer = Renderer(["toc"], {})
    renderings = [renderer.render(body) for body in bodies]
    tables = trace_wids([rendering.outline for rendering in renderings])
    return [
        Edition(version=None, rendering=rendering, wids=table)
        for rendering, table in zip(renderings, tables, strict=True)
    ]


def text_of(edition: Edition, eid: str) -> str:
    """The text of one element of an edition."""
    element = edition.rendering.outline.find(eid)
    assert element is not None, eid
    return element.text


def target(edition: Edition, eid: str, exact: str | None = None, occurrence: int = 0) -> Target:
    """A comment as the widget captures it: the n-th `exact` with 32 characters either side."""
    wid = edition.wids[eid]
    if exact is None:
        return Target(eid, wid)
    text = text_of(edition, eid)
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(exact, start + 1)
    end = start + len(exact)
    return Target(eid, wid, exact, text[max(0, start - 32) : start], text[end : end + 32])


def assert_span(anchor: Anchor, new: Edition) -> None:
    """The anchor's quote is exactly the span it gives in its element's new text."""
    assert anchor.eid is not None and anchor.start is not None and anchor.end is not None
    assert text_of(new, anchor.eid)[anchor.start : anchor.end] == anchor.quote


FEES = """\
## Chapter 1. General

### Article 1. Scope

1. This Law governs fees for permits issued by the licensing authority.

### Article 2. Fees

1. The applicant pays the fee within 30 days of the decision.
2. Late payment doubles the fee.
"""


def articles(count: int, first: int = 1, extra: str = "") -> str:
    """A chapter of `count` distinct articles numbered from `first`, after an optional one."""
    subjects = ["permits", "fees", "appeals", "registers", "hearings", "inspections", "reports"]
    parts = ["## Chapter 1. General", extra] if extra else ["## Chapter 1. General"]
    for n in range(count):
        subject = subjects[n % len(subjects)]
        parts.append(
            f"### Article {first + n}. On {subject}\n\n"
            f"1. The Ministry keeps list number {n} of {subject}.\n"
            f"2. The list of {subject} is published on the official website every month.\n"
            f"3. Objections about {subject} are heard by the public council."
        )
    return "\n\n".join(parts) + "\n"


def test_an_unchanged_revision_keeps_every_comment_current() -> None:
    """With the text unchanged, comments with and without a quote stay current where they were."""
    old, new = editions(FEES, FEES)
    plain = reanchor(target(old, "art_2__para_1"), old, new)
    assert plain == Anchor(CURRENT, "art_2__para_1", None, None, None, plain.note)
    quoted = reanchor(target(old, "art_2__para_1", "within 30 days"), old, new)
    assert (quoted.status, quoted.eid, quoted.quote) == (CURRENT, "art_2__para_1", "within 30 days")
    start = text_of(old, "art_2__para_1").index("within 30 days")
    assert (quoted.start, quoted.end) == (start, start + len("within 30 days"))
    assert_span(quoted, new)


def test_an_article_inserted_before_moves_the_comment_to_its_new_number() -> None:
    """A comment on old Article 5 paragraph 2 follows it to Article 6 paragraph 2, same span."""
    new_article = (
        "### Article 1. Purpose\n\n1. This Law protects the public interest in open registers."
    )
    old, new = editions(articles(7), articles(7, first=2, extra=new_article))
    comment = target(old, "art_5__para_2", "published on the official website")
    anchor = reanchor(comment, old, new)
    old_text = text_of(old, "art_5__para_2")
    assert anchor.status == MOVED
    assert anchor.eid == "art_6__para_2"
    assert anchor.quote == "published on the official website"
    start = old_text.index("published on the official website")
    assert (anchor.start, anchor.end) == (start, start + len(anchor.quote))
    assert "Article 6, paragraph 2" in anchor.note
    assert_span(anchor, new)

    whole = reanchor(target(old, "art_5__para_2"), old, new)
    assert (whole.status, whole.eid, whole.quote) == (MOVED, "art_6__para_2", None)
    assert whole.note == "Now Article 6, paragraph 2."


def test_a_word_changed_inside_the_quote_makes_it_outdated() -> None:
    """A word changed inside the quote ("30" to "45") makes it outdated, on the new words."""
    old, new = editions(FEES, FEES.replace("within 30 days", "within 45 days"))
    anchor = reanchor(target(old, "art_2__para_1", "pays the fee within 30 days"), old, new)
    assert (anchor.status, anchor.eid) == (OUTDATED, "art_2__para_1")
    assert anchor.quote == "pays the fee within 45 days"
    assert_span(anchor, new)
    assert "changed" in anchor.note


def test_a_word_changed_elsewhere_in_the_element_leaves_the_quote_current() -> None:
    """Rewording the same paragraph outside the quoted words keeps the comment current."""
    old, new = editions(FEES, FEES.replace("of the decision", "of the reasoned decision"))
    anchor = reanchor(target(old, "art_2__para_1", "The applicant pays the fee"), old, new)
    assert (anchor.status, anchor.eid, anchor.quote) == (
        CURRENT,
        "art_2__para_1",
        "The applicant pays the fee",
    )
    assert_span(anchor, new)
    # Without a quote the comment is on the whole paragraph, whose text did change.
    whole = reanchor(target(old, "art_2__para_1"), old, new)
    assert (whole.status, whole.eid) == (OUTDATED, "art_2__para_1")


def test_a_deleted_paragraph_merged_into_its_neighbour_is_traced_through_the_whole_diff() -> None:
    """Paragraph 2 merged into paragraph 1 takes its comment along, not to an identical decoy."""
    old_body = md(
        """
        ### Article 1. Scope

        1. This Law governs fees.
        2. Late payment doubles the fee.

        ### Article 2. Fees

        1. The applicant pays the fee within 30 days of the decision to the treasury account.
        2. Late payment doubles the fee.
        """
    )
    new_body = old_body.replace(
        "treasury account.\n2. Late payment", "treasury account. Late payment"
    )
    old, new = editions(old_body, new_body)
    assert "art_2__para_2" not in new.wids  # the paragraph itself is gone
    # The same words with the same prefix and suffix are still in Article 1, so a quote search
    # would pick them; only the diff knows these words became part of Article 2, paragraph 1.
    anchor = reanchor(target(old, "art_2__para_2", "doubles the fee"), old, new)
    assert (anchor.status, anchor.eid, anchor.quote) == (MOVED, "art_2__para_1", "doubles the fee")
    assert_span(anchor, new)
    assert anchor.note == "The quoted words are now in Article 2, paragraph 1."


def test_a_sentence_moved_elsewhere_verbatim_is_found_by_quote_search() -> None:
    """A paragraph deleted here and its sentence added to another article is moved there."""
    sentence = "Appeals are heard by the district commission within ten days."
    old_body = md(
        f"""
        ### Article 1. Scope

        1. This Law governs fees.

        ### Article 2. Fees

        1. The applicant pays the fee.
        2. {sentence}
        """
    )
    new_body = md(
        f"""
        ### Article 1. Scope

        1. This Law governs fees.
        2. {sentence}

        ### Article 2. Fees

        1. The applicant pays the fee.
        """
    )
    old, new = editions(old_body, new_body)
    anchor = reanchor(target(old, "art_2__para_2", "the district commission"), old, new)
    assert (anchor.status, anchor.eid, anchor.quote) == (
        MOVED,
        "art_1__para_2",
        "the district commission",
    )
    assert_span(anchor, new)


def test_a_slightly_reworded_quote_whose_element_is_gone_is_found_fuzzily_and_outdated() -> None:
    """The quoted sentence reworded and moved to another article is found, marked outdated."""
    old_body = md(
        """
        ### Article 1. Scope

        1. This Law governs the register of green spaces.

        ### Article 3. Register

        1. The ministry keeps the register.
        2. The register shall be published on the official website every month.
        """
    )
    new_body = md(
        """
        ### Article 1. Scope

        1. This Law governs the register of green spaces.
        2. The register shall be published on the official website each month.

        ### Article 3. Register

        1. The ministry keeps the register.
        """
    )
    old, new = editions(old_body, new_body)
    quote = "register shall be published on the official website every month"
    anchor = reanchor(target(old, "art_3__para_2", quote), old, new)
    assert (anchor.status, anchor.eid) == (OUTDATED, "art_1__para_2")
    assert anchor.quote == "register shall be published on the official website each month"
    assert_span(anchor, new)
    assert "Article 1, paragraph 2" in anchor.note


def test_a_comment_whose_words_are_all_gone_is_orphaned() -> None:
    """A deleted paragraph whose words appear nowhere else orphans its comments."""
    old, new = editions(FEES, FEES.replace("2. Late payment doubles the fee.\n", ""))
    for comment in (
        target(old, "art_2__para_2", "Late payment doubles"),
        target(old, "art_2__para_2"),
    ):
        anchor = reanchor(comment, old, new)
        assert anchor == Anchor(ORPHANED, None, None, None, None, anchor.note)
        assert anchor.note.startswith("The provision was removed")


def test_boilerplate_found_elsewhere_does_not_adopt_a_deleted_provisions_comment() -> None:
    """Words of a deleted point that recur in other articles do not pull its comment there."""
    point = "the name and address of the applicant"
    body = md(
        f"""
        ### Article 1. Permits

        1. The application states:
        1) {point};
        2) the type of activity.

        ### Article 2. Licences

        1. The application states:
        1) {point};
        2) the place of activity.
        """
    )
    old, new = editions(body, body.replace(f"1) {point};\n2) the place", "1) the place"))
    anchor = reanchor(target(old, "art_2__para_1__point_1", point), old, new)
    assert anchor.status == ORPHANED


def test_cyrillic_text_is_anchored_by_code_points() -> None:
    """Russian articles renumbered and reworded: moved, current and outdated by Cyrillic words."""
    old_body = md(
        """
        ## Глава 1. Общие положения

        ### Статья 1. Предмет

        1. Настоящий Закон устанавливает правила охраны зелёных насаждений.
        2. Снос зелёных насаждений допускается только по разрешению органа.
        """
    )
    new_body = md(
        """
        ## Глава 1. Общие положения

        ### Статья 1. Цели

        1. Закон служит сохранению деревьев в городах.

        ### Статья 2. Предмет

        1. Настоящий Закон устанавливает правила охраны зелёных насаждений.
        2. Снос зелёных насаждений допускается только по письменному разрешению органа.
        """
    )
    old, new = editions(old_body, new_body)
    moved = reanchor(target(old, "art_1__para_1", "правила охраны зелёных"), old, new)
    assert (moved.status, moved.eid, moved.quote) == (
        MOVED,
        "art_2__para_1",
        "правила охраны зелёных",
    )
    # Code points: "1. Настоящий Закон устанавливает " is 33 of them (and 61 UTF-8 bytes).
    assert (moved.start, moved.end) == (33, 55)
    assert_span(moved, new)
    changed = reanchor(target(old, "art_1__para_2", "только по разрешению"), old, new)
    assert (changed.status, changed.eid) == (OUTDATED, "art_2__para_2")
    assert changed.quote == "только по письменному разрешению"
    assert_span(changed, new)
    kept = reanchor(target(old, "art_1__para_2", "Снос зелёных насаждений"), old, new)
    assert (kept.status, kept.eid, kept.start) == (MOVED, "art_2__para_2", 3)


def test_prefix_and_suffix_pick_the_right_occurrence_of_a_repeated_quote() -> None:
    """A quote occurring twice in its element follows the occurrence its context names."""
    old_body = md(
        """
        ### Article 1. Fees

        1. The fee is paid by the applicant; the fee is refunded if the application is refused.
        """
    )
    new_body = old_body.replace("The fee is paid", "The charge is paid")
    old, new = editions(old_body, new_body)
    second = reanchor(target(old, "art_1__para_1", "fee", occurrence=1), old, new)
    new_text = text_of(new, "art_1__para_1")
    assert (second.status, second.quote) == (CURRENT, "fee")
    assert second.start == new_text.index("the fee is refunded") + len("the ")
    assert_span(second, new)
    first = reanchor(target(old, "art_1__para_1", "fee", occurrence=0), old, new)
    assert (first.status, first.quote) == (OUTDATED, "charge")


def test_a_quote_the_browser_joined_with_other_whitespace_is_still_found() -> None:
    """A quote across a paragraph and its point, joined by a browser's blank line, is found."""
    body = md(
        """
        ### Article 1. Permits

        1. The application states:
        1) the name of the applicant;
        2) the type of activity.
        """
    )
    old, new = editions(body, body.replace("type of activity", "kind of activity"))
    comment = Target(
        "art_1__para_1", old.wids["art_1__para_1"], "states:\n\n1) the name", "1. The application "
    )
    anchor = reanchor(comment, old, new)
    assert (anchor.status, anchor.quote) == (CURRENT, "states:\n1) the name")
    assert_span(anchor, new)


def test_a_quoted_paragraph_number_that_changed_is_not_a_changed_word() -> None:
    """A quote taking in its paragraph's number stays unchanged when only the number changed."""
    body = md(
        """
        ### Article 3. Register

        1. The ministry keeps the register.
        2. The register is public.
        3. Extracts are free.
        """
    )
    old, new = editions(
        body, body.replace("2. The register is public.\n", "").replace("3. Ex", "2. Ex")
    )
    anchor = reanchor(target(old, "art_3__para_3", "3. Extracts are free."), old, new)
    assert (anchor.status, anchor.eid, anchor.quote) == (
        MOVED,
        "art_3__para_2",
        "2. Extracts are free.",
    )
    assert_span(anchor, new)


def test_a_chapter_whose_articles_only_renumbered_is_current() -> None:
    """An article inserted in chapter 1 renumbers chapter 2's articles; chapter 2 stays current."""
    chapter_two = md(
        """
        ## Chapter 2. Register

        ### Article 3. Register

        1. The ministry keeps the register.
        """
    )
    old_body = FEES + chapter_two
    new_body = FEES.replace(
        "### Article 2. Fees", "### Article 2. Purpose\n\n1. Fair fees.\n\n### Article 3. Fees"
    ) + chapter_two.replace("Article 3.", "Article 4.")
    old, new = editions(old_body, new_body)
    assert reanchor(target(old, "chp_2"), old, new).status == CURRENT
    assert reanchor(target(old, "art_3"), old, new).status == MOVED


def test_one_reanchorer_gives_the_same_anchors_as_separate_calls() -> None:
    """Sharing the diffs across many comments changes no answer."""
    new_article = "### Article 1. Purpose\n\n1. This Law protects open registers."
    old_body = articles(7)
    new_body = articles(7, first=2, extra=new_article).replace("every month", "each week")
    old, new = editions(old_body, new_body)
    rng = random.Random(5)
    comments = []
    for element in old.rendering.outline.elements:
        words = list(re.finditer(r"\w+", element.text))
        first = rng.randrange(len(words))
        last = words[min(len(words), first + 3) - 1]
        comments.append(target(old, element.eid))
        comments.append(target(old, element.eid, element.text[words[first].start() : last.end()]))
    shared = Reanchorer(old, new)
    together = [shared.anchor(comment) for comment in comments]
    assert together == [reanchor(comment, old, new) for comment in comments]
    assert {anchor.status for anchor in together} >= {MOVED, OUTDATED}


@pytest.mark.parametrize("seed", range(5))
def test_bit_parallel_edit_distances_agree_with_the_textbook_table(seed: int) -> None:
    """Myers' bit-vector distances equal dynamic programming's, for patterns past 64 characters."""
    rng = random.Random(seed)
    for _ in range(200):
        a = "".join(rng.choice("abе ") for _ in range(rng.randint(1, 90)))
        b = "".join(rng.choice("abе ") for _ in range(rng.randint(0, 120)))
        row = list(range(len(b) + 1))  # all of b: skipping its characters costs
        free = [0] * (len(b) + 1)  # a anywhere in b: the first row costs nothing
        for i, char in enumerate(a, 1):
            row = _dp_row(row, i, char, b)
            free = _dp_row(free, i, char, b)
        assert distance(a, b) == row[-1]
        assert end_distances(a, b) == free[1:]


def _dp_row(previous: list[int], i: int, char: str, b: str) -> list[int]:
    """Row i of the edit distance table of a against b, from row i - 1."""
    row = [i]
    for j, other in enumerate(b, 1):
        row.append(min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (char != other)))
    return row
