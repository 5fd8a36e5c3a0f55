/* Lawtrail comment widget: the form's quote field.
 *
 * The words a comment is about, typed or pasted by the reader (by keyboard, or on a phone
 * where selecting text is fiddly), or filled in from words selected in the text. The
 * field is checked against the element's text as the reader types: the place is marked in
 * the text and a message, read out by screen readers, says where the words are or that
 * they are not there. The quote sent is the element's own characters at that place, with
 * the words around it, exactly as for selected words; words that do not occur are never
 * sent (the form asks to correct them or empty the field).
 */

import { field } from "./form.js";
import { findQuote, findTyped, highlight, sameWords, structuralIn } from "./quote.js";
import { n, t } from "./i18n.js";
import { ui } from "./state.js";
import { saveDraft } from "./storage.js";
import { ownName, targetName } from "./targets.js";

var CHECK_DELAY = 400; // ms after the last keystroke: a message per word, not per letter

export function bindQuoteField(parts) {
  var input = parts.fields.namedItem("quote");
  input.addEventListener("input", function () {
    window.clearTimeout(ui.quoteTimer);
    ui.quoteTimer = window.setTimeout(checkQuote, CHECK_DELAY);
  });
  input.addEventListener("change", function () { checkQuote(); });
  parts.quoteRemove.addEventListener("click", removeQuote);
}

/* Words selected in the text (or a quote kept from before a reload) fill the field. */
export function putQuote(found) {
  ui.target.quote = found.quote;
  ui.target.range = found.range;
  ui.target.count = 1; // a selection is one place
  field("quote").value = found.quote.exact;
}

/* The field as it was before a reload: the place selected or found then, if its words are
   still in the element and still those in the field; else the words, to be checked anew. */
export function restoreQuote(el, saved) {
  var typed = typeof saved.quoteText === "string" ? saved.quoteText : "";
  var found = saved.quote && saved.quote.exact ? findQuote(el, saved.quote) : null;
  if (found && (!typed || sameWords(typed, found.quote.exact))) {
    putQuote(found);
  } else {
    field("quote").value = typed;
  }
}

/* Compare the field with the element's text now, and show the outcome. */
export function checkQuote() {
  var target = ui && ui.target;
  if (!target || !ui.form) {
    return;
  }
  window.clearTimeout(ui.quoteTimer);
  var typed = field("quote").value;
  if (!typed.trim()) {
    target.quote = null;
    target.range = null;
  } else if (!(target.quote && sameWords(typed, target.quote.exact))) {
    var found = findTyped(target.el, typed);
    target.quote = found ? found.quote : null;
    target.range = found ? found.range : null;
    target.count = found ? found.count : 0;
  }
  showQuote();
}

/* The mark in the text, the message and the "whole element" button, from the state. */
function showQuote() {
  var target = ui.target;
  var typed = field("quote").value.trim();
  var match = ui.form.quoteMatch;
  var text = "";
  var kind = "";
  if (typed && target.quote) {
    var name = targetName(structuralIn(target.range, target.el));
    text = target.count > 1
      ? n("Found %(count)d time in %(name)s; the first is marked. Type more of the words to mark another.",
        "Found %(count)d times in %(name)s; the first is marked. Type more of the words to mark another.",
        target.count, { count: target.count, name: name })
      : t("Found in %(name)s.", { name: name });
    kind = "found";
  } else if (typed) {
    text = t("Not found in %(name)s. Check the words, or empty this field to comment on all of it.",
      { name: targetName(target.el) });
    kind = "missing";
  }
  if (match.textContent !== text) {
    match.textContent = text;
  }
  match.className = "lt-quote-match" + (kind ? " lt-quote-match--" + kind : "");
  ui.form.quoteRemove.hidden = !typed;
  ui.form.quoteRemove.textContent = t("Comment on the whole of %(name)s instead", { name: ownName(target.el) });
  highlight(target.quote ? target.range : null);
}

/* For the form's checks: the error of a quote that is not in the element, or null. */
export function quoteError() {
  checkQuote();
  if (!field("quote").value.trim() || ui.target.quote) {
    return null;
  }
  ui.form.quoteMatch.textContent = ""; // the field's error says it instead
  return t("These words do not occur in %(name)s. Correct them, or empty this field to comment on all of it.",
    { name: targetName(ui.target.el) });
}

export function clearQuote() {
  window.clearTimeout(ui.quoteTimer);
  field("quote").value = "";
  if (ui.form) {
    ui.form.quoteMatch.textContent = "";
    ui.form.quoteRemove.hidden = true;
  }
}

function removeQuote() {
  clearQuote();
  ui.target.quote = null;
  ui.target.range = null;
  showQuote();
  saveDraft();
  field("body").focus();
}
