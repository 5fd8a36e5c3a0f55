/* Lawtrail comment widget: element text, selected or typed quotes and their highlight.
 *
 * A quote is a W3C TextQuoteSelector (exact, prefix, suffix) over the element's text with
 * everything the widget added ([data-lt-ui]) left out, so it is the text the server sees.
 * Whether words were selected or typed, `exact` is always the element's own characters.
 */


var QUOTE_CONTEXT = 32;       // prefix/suffix length of a W3C TextQuoteSelector (as Hypothesis)

/* ---------------------------------------------------------------- element text and quotes */

/* Not the draft's words: what this script added, and the "N comments" lists the builder
   put after commented elements (the server's text of an element has neither). */
function inUI(node) {
  var el = node.nodeType === 1 ? node : node.parentElement;
  return !!(el && el.closest("[data-lt-ui], .lt-thread"));
}

/* The element's text as textContent gives it, minus what this script added, with where
   each text node starts in it. */
function elementText(el) {
  var walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT, null);
  var pieces = [];
  var nodes = [];
  var length = 0;
  for (var node = walker.nextNode(); node; node = walker.nextNode()) {
    if (inUI(node)) {
      continue;
    }
    nodes.push({ node: node, start: length });
    pieces.push(node.data);
    length += node.data.length;
  }
  return { text: pieces.join(""), nodes: nodes };
}

function structuralAncestor(node, root) {
  var el = node.nodeType === 1 ? node : node.parentElement;
  el = el && el.closest(".lt-el");
  return el && root.contains(el) ? el : null;
}

/* Text nodes holding selected, non-blank characters, with the selected part of each.
   Boundaries that sit between elements (a triple click ends at the start of the next
   block) select no characters and are ignored, so they cannot widen the target. */
function selectedPieces(range, root) {
  var scope = range.commonAncestorContainer;
  if (scope.nodeType !== 1) {
    scope = scope.parentNode;
  }
  var pieces = [];
  var walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT, null);
  for (var node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!range.intersectsNode(node) || inUI(node) || !root.contains(node)) {
      continue;
    }
    var start = node === range.startContainer ? range.startOffset : 0;
    var end = node === range.endContainer ? range.endOffset : node.data.length;
    if (/\S/.test(node.data.slice(start, end))) {
      pieces.push({ node: node, start: start, end: end });
    }
  }
  return pieces;
}

/* Do not cut a surrogate pair in half at the edge of a prefix or suffix. */
function safePrefix(text, start) {
  var from = Math.max(0, start - QUOTE_CONTEXT);
  if (from > 0 && /[\uDC00-\uDFFF]/.test(text.charAt(from))) {
    from += 1;
  }
  return text.slice(from, start);
}

function safeSuffix(text, end) {
  var to = Math.min(text.length, end + QUOTE_CONTEXT);
  if (to < text.length && /[\uD800-\uDBFF]/.test(text.charAt(to - 1))) {
    to -= 1;
  }
  return text.slice(end, to);
}

/* The current selection as {el, quote: {exact, prefix, suffix}, range} for the innermost
   structural element holding all of it, or null. */
export function selectedQuote(root) {
  var selection = window.getSelection();
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed) {
    return null;
  }
  var range = selection.getRangeAt(0);
  if (!root.contains(range.commonAncestorContainer) && range.commonAncestorContainer !== root) {
    return null;
  }
  var pieces = selectedPieces(range, root);
  if (!pieces.length) {
    return null;
  }
  var first = pieces[0];
  var last = pieces[pieces.length - 1];
  var el = structuralAncestor(first.node, root);
  while (el && !el.contains(last.node)) {
    el = structuralAncestor(el.parentElement, root);
  }
  if (!el) {
    return null;
  }
  var content = elementText(el);
  var start = -1;
  var end = -1;
  for (var i = 0; i < content.nodes.length; i++) {
    if (content.nodes[i].node === first.node) {
      start = content.nodes[i].start + first.start;
    }
    if (content.nodes[i].node === last.node) {
      end = content.nodes[i].start + last.end;
    }
  }
  if (start < 0 || end <= start) {
    return null;
  }
  // A double click takes the space after a word too; the quote is the words only.
  var text = content.text;
  while (start < end && /\s/.test(text.charAt(start))) { start++; }
  while (end > start && /\s/.test(text.charAt(end - 1))) { end--; }
  var quote = {
    exact: text.slice(start, end),
    prefix: safePrefix(text, start),
    suffix: safeSuffix(text, end)
  };
  return { el: el, quote: quote, range: rangeFromOffsets(content, start, end) };
}

/* A DOM Range over [start, end) of an element's text, for highlighting. */
function rangeFromOffsets(content, start, end) {
  var range = document.createRange();
  var started = false;
  for (var i = 0; i < content.nodes.length; i++) {
    var item = content.nodes[i];
    var stop = item.start + item.node.data.length;
    if (!started && start < stop) {
      range.setStart(item.node, start - item.start);
      started = true;
    }
    if (started && end <= stop) {
      range.setEnd(item.node, end - item.start);
      return range;
    }
  }
  return null;
}

/* Find a saved quote again in the element's current text (prefix and suffix decide
   between repeats); null when the words are no longer there. */
export function findQuote(el, quote) {
  var content = elementText(el);
  var text = content.text;
  var best = -1;
  var bestScore = -1;
  for (var at = text.indexOf(quote.exact); at >= 0; at = text.indexOf(quote.exact, at + 1)) {
    var score = (quote.prefix && text.slice(0, at).slice(-quote.prefix.length) === quote.prefix ? 1 : 0) +
      (quote.suffix && text.substr(at + quote.exact.length, quote.suffix.length) === quote.suffix ? 1 : 0);
    if (score > bestScore) {
      best = at;
      bestScore = score;
    }
  }
  if (best < 0 || !quote.exact) {
    return null;
  }
  var end = best + quote.exact.length;
  return {
    quote: { exact: quote.exact, prefix: safePrefix(text, best), suffix: safeSuffix(text, end) },
    range: rangeFromOffsets(content, best, end)
  };
}

/* ---------------------------------------------------------------- typed quotes */

/* How typed words are compared with the text: runs of spaces and line breaks are one
   space (as the server compares quotes), letters in any case, and the characters a phone
   keyboard types in place of typographic ones (straight quotes, a hyphen for a dash, "е"
   for "ё"). Every character folds to exactly one, so places map back to the text. */
var FOLD = {
  "\u2018": "'", "\u2019": "'", "\u201A": "'", "\u201B": "'", "\u2032": "'",
  "\u201C": "\"", "\u201D": "\"", "\u201E": "\"", "\u201F": "\"", "\u2033": "\"",
  "\u00AB": "\"", "\u00BB": "\"",
  "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
  "\u2212": "-", "\u0451": "\u0435"
};

/* The folded text and, for each of its characters, where it starts and ends in `text`. */
function folded(text) {
  var chars = [];
  var starts = [];
  var ends = [];
  for (var i = 0; i < text.length; i++) {
    var c = text.charAt(i);
    if (/\s/.test(c)) {
      if (chars.length && chars[chars.length - 1] === " ") {
        ends[ends.length - 1] = i + 1;
        continue;
      }
      c = " ";
    }
    var lower = c.toLowerCase();
    lower = lower.length === 1 ? lower : c; // "İ" lowers to two characters: keep it
    chars.push(FOLD[lower] || lower);
    starts.push(i);
    ends.push(i + 1);
  }
  return { text: chars.join(""), starts: starts, ends: ends };
}

/* Words typed or pasted by the reader, found in the element's text: {quote, range, count}
   for the first place they occur (count: in how many places), or null when they do not. */
export function findTyped(el, typed) {
  var needle = folded(typed.normalize ? typed.normalize("NFC") : typed).text.trim();
  if (!needle) {
    return null;
  }
  var content = elementText(el);
  var hay = folded(content.text);
  var at = hay.text.indexOf(needle);
  if (at < 0) {
    return null;
  }
  var count = 0;
  for (var next = at; next >= 0; next = hay.text.indexOf(needle, next + needle.length)) {
    count++;
  }
  var start = hay.starts[at];
  var end = hay.ends[at + needle.length - 1];
  var text = content.text;
  return {
    quote: { exact: text.slice(start, end), prefix: safePrefix(text, start), suffix: safeSuffix(text, end) },
    range: rangeFromOffsets(content, start, end),
    count: count
  };
}

/* The innermost element inside `el` (or `el` itself) holding all of a range: a point of
   the paragraph commented on, say. */
export function structuralIn(range, el) {
  var inner = range ? structuralAncestor(range.commonAncestorContainer, el) : null;
  return inner && el.contains(inner) ? inner : el;
}

/* Whether typed words are, once folded, the same as a quote's. */
export function sameWords(typed, exact) {
  return folded(typed.trim()).text === folded(exact.trim()).text;
}

/* Mark the quoted words while the form is open, where the browser can (CSS Custom
   Highlight API); the selection itself goes away when focus moves into the form. */
export function highlight(range) {
  if (!window.CSS || !CSS.highlights || typeof window.Highlight !== "function") {
    return;
  }
  if (range) {
    CSS.highlights.set("lt-quote", new window.Highlight(range));
  } else {
    CSS.highlights.delete("lt-quote");
  }
}
