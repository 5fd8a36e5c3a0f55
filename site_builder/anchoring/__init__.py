"""Re-anchoring review comments from the revision they were made on onto a later revision.

A comment targets an element (its eId, plus the wId that survives renumbering) and optionally a
quote in it (a W3C TextQuoteSelector: exact, prefix, suffix). When the draft is revised, the
comment is shown on the new revision the way GitHub and GitLab show review comments after a
push: `current` when its words are untouched, `moved` when they are untouched but now elsewhere
(renumbered, or merged into another provision), `outdated` when they were changed, `orphaned`
when they are gone. The rules, in order: the element with the same wId; else the quote traced
through the word diff of the whole text; else a Hypothesis-style fuzzy search for the quote.

Everything here is pure: two rendered editions in, anchors out, positions in code points of
`Element.text`. A `Reanchorer` shares the work for one pair of editions (each text tokenised
and encoded once, each element pair diffed once, the whole text diffed once), so thousands of
comments cost about as much as one diff of the whole draft.

The modules, each owning one strategy or its groundwork:

- `reanchor`: the rules above, in order (`Reanchorer`), and what they answer (`Anchor`);
- `text`: an edition's whole text indexed for anchoring (element spans, tokens, word stems);
- `trace`: following a span through a word diff (rule 1 inside an element, rule 2 overall);
- `search`: exact quote search scored by context and position, as Hypothesis scores;
- `fuzzy`: approximate quote search, seeded by word stems (rule 3);
- `edits`: the bit-parallel edit distances the searches use.
"""

from site_builder.anchoring.reanchor import (
    CURRENT,
    MOVED,
    ORPHANED,
    OUTDATED,
    Anchor,
    Reanchorer,
    Target,
    reanchor,
)

__all__ = ["CURRENT", "MOVED", "ORPHANED", "OUTDATED", "Anchor", "Reanchorer", "Target", "reanchor"]
