/* Lawtrail comment widget: element text, selected quotes and their highlight.
 *
 * A quote is a W3C TextQuoteSelector (exact, prefix, suffix) over the element's text with
 * everything the widget added ([data-lt-ui]) left out, so it is the text the server sees.
 */


var QUOTE_CONTEXT = 32;       // prefix/suffix length of a W3C TextQuoteSelector (as Hypothesis)

/* ---------------------------------------------------------------- element text and quotes */

function inUI(node) {
  var el = node.nodeType === 1 ? node : node.parentElement;
  return !!(el && el.closest("[data-lt-ui]"));
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
