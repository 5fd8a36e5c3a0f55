/* Lawtrail comment widget: the one comment form, moved next to the element commented on.
 *
 * Cloned from <template id="lt-comment-template">; opening, closing, the character counter
 * (the quote field is quoting.js's).
 */

import { clearErrors, clearFieldError, onSubmit, setStatus } from "./api.js";
import { hideOffer } from "./offer.js";
import { highlight } from "./quote.js";
import { bindQuoteField, checkQuote, clearQuote, putQuote, restoreQuote } from "./quoting.js";
import { language, n } from "./i18n.js";
import { makeCurrent } from "./roving.js";
import { MESSAGES, firstBlock, isHeading, ui } from "./state.js";
import { loadDraft, saveDraft } from "./storage.js";
import { targetName } from "./targets.js";

/* ---------------------------------------------------------------- the form */

export function buildForm(root) {
  var template = document.getElementById("lt-comment-template");
  if (!template || !template.content) {
    return null;
  }
  var box = template.content.firstElementChild.cloneNode(true);
  box.hidden = true;
  box.lang = language();
  root.parentNode.insertBefore(box, root.nextSibling);
  var form = box.querySelector("form");
  var parts = {
    box: box,
    form: form,
    targetName: box.querySelector(".lt-form-target__name"),
    quoteMatch: box.querySelector(".lt-quote-match"),
    quoteRemove: box.querySelector(".lt-form-quote__remove"),
    status: box.querySelector(".lt-form-status"),
    counter: box.querySelector(".lt-counter"),
    counterLive: box.querySelector(".lt-counter-live"),
    submit: box.querySelector(".lt-form-submit"),
    success: box.querySelector(".lt-form-success"),
    fields: form.elements
  };
  form.addEventListener("input", onInput);
  form.addEventListener("change", onInput);
  form.addEventListener("submit", onSubmit);
  // Enter ticks a checkbox as Space does: a reader who moves by Tab and Enter alone can
  // agree to publication, rather than send the form and be told to.
  form.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.type === "checkbox") {
      event.preventDefault();
      event.target.click();
    }
  });
  box.querySelector(".lt-form-cancel").addEventListener("click", function () { closeForm(); });
  box.querySelector(".lt-form-close").addEventListener("click", function () { closeForm(); });
  bindQuoteField(parts);
  return parts;
}

/* The form sits right after the element's own text: after a heading, or inside a
   paragraph after its Comment button (before its points). */
function placeForm(el) {
  var box = ui.form.box;
  var button = ui.buttons[el.id];
  if (isHeading(el)) {
    el.insertAdjacentElement("afterend", box);
  } else if (button && button.parentNode === el) {
    button.insertAdjacentElement("afterend", box);
  } else {
    el.appendChild(box);
  }
}

export var TEXT_FIELDS = ["body", "suggestion", "rationale"];
export var PERSON_FIELDS = ["name", "organization", "email"];

export function inForm(el) {
  return !!(el && ui.form && ui.form.box.contains(el));
}

export function field(name) {
  return ui.form.fields.namedItem(name);
}

/* Characters no reader sees that text copied from word processors and PDFs carries: soft
   hyphens, zero-width spaces, word joiners, byte-order marks. The intake refuses invisible
   characters in published text (it cannot tell these from ones that hide words), so they
   are dropped here, which changes nothing the reader sees. Bidi controls are not: they
   change how text reads, so the intake's refusal names them. */
var UNSEEN = /[\u00AD\u200B\u2060\uFEFF]/g;

export function value(name) {
  var input = field(name);
  return input ? input.value.replace(UNSEEN, "").trim() : "";
}

/* Open (or move) the form for an element; `found` carries a quote when words were
   selected. Text typed for this element earlier (even before a reload) comes back, the
   quote field's too. */
export function openForm(el, found, opener) {
  if (!ui.form) {
    return;
  }
  hideOffer(false);
  var form = ui.form;
  var same = ui.target && ui.target.el === el && !form.box.hidden;
  var restored = false;
  if (ui.sending && !same) {
    return; // a comment is on its way: its answer must land in the form that sent it
  }
  if (!same) {
    var saved = loadDraft(el.id);
    resetForm();
    if (saved) {
      fillForm(saved);
      restored = hasText(saved);
    }
    ui.target = { el: el, quote: null, range: null, count: 0 };
    if (!found && saved) {
      restoreQuote(el, saved);
    }
  }
  if (found) {
    putQuote(found);
  }
  ui.opener = opener || ui.buttons[el.id] || null;
  makeCurrent(el);

  placeForm(el);
  form.success.hidden = true;
  form.form.hidden = false;
  form.box.hidden = false;
  form.targetName.textContent = targetName(el);
  checkQuote();
  markExpanded(el);
  updateCounter(false);
  if (!same) {
    clearErrors();
    setStatus(restored ? MESSAGES.restored : "", "info");
  }
  if (found) {
    saveDraft(); // keep the quote with whatever is typed for this element
  }

  reveal(el, field("body"));
}

/* Show the element's own text with the form under it, then put the cursor in the comment
   box; scroll only when needed, so a reader who clicked a visible button stays put. */
function reveal(el, input) {
  var own = isHeading(el) ? el : (firstBlock(el) || el);
  var top = own.getBoundingClientRect().top;
  var header = document.querySelector(".md-header");
  var covered = header ? header.getBoundingClientRect().bottom : 0;
  if (top < covered || top > window.innerHeight * 0.6) {
    el.scrollIntoView({ block: "start" }); // .lt-el has a scroll-margin for the header
  }
  if (input.getBoundingClientRect().bottom > window.innerHeight) {
    input.scrollIntoView({ block: "nearest" });
  }
  input.focus({ preventScroll: true });
}

export function closeForm() {
  if (!ui.form || ui.form.box.hidden) {
    return;
  }
  ui.form.box.hidden = true;
  highlight(null);
  markExpanded(null);
  var opener = ui.opener;
  if (!opener || !document.contains(opener)) {
    opener = ui.target && ui.buttons[ui.target.el.id];
  }
  ui.target = null;
  ui.opener = null;
  if (opener) {
    opener.focus();
  }
}

function markExpanded(el) {
  for (var eid in ui.buttons) {
    if (Object.prototype.hasOwnProperty.call(ui.buttons, eid)) {
      ui.buttons[eid].setAttribute("aria-expanded", el && el.id === eid ? "true" : "false");
    }
  }
  var marked = ui.root.querySelectorAll(".lt-el--commenting");
  for (var i = 0; i < marked.length; i++) {
    marked[i].classList.remove("lt-el--commenting");
  }
  if (el) {
    el.classList.add("lt-el--commenting");
  }
}

export function resetForm() {
  TEXT_FIELDS.forEach(function (name) { field(name).value = ""; });
  clearQuote();
  // Name, organisation and e-mail stay from the last comment: the same person goes on.
  field("consent").checked = false;
  field("website").value = "";
}

function fillForm(saved) {
  TEXT_FIELDS.concat(PERSON_FIELDS).forEach(function (name) {
    if (typeof saved[name] === "string" && saved[name]) {
      field(name).value = saved[name];
    }
  });
  field("consent").checked = saved.consent === true;
}

export function hasText(saved) {
  return TEXT_FIELDS.some(function (name) { return !!(saved[name] && saved[name].trim()); });
}

/* Characters as the server counts them (code points, not UTF-16 units). */
export function length(text) {
  var surrogates = text.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g);
  return text.length - (surrogates ? surrogates.length : 0);
}

/* "4,870 characters left" / "12 characters too many"; read out a moment after typing stops. */
function updateCounter(announce) {
  var left = ui.maxBody - length(field("body").value);
  var text = left >= 0
    ? n("%(count)d character left", "%(count)d characters left", left,
      { count: left.toLocaleString(language()) })
    : n("%(count)d character too many", "%(count)d characters too many", -left,
      { count: (-left).toLocaleString(language()) });
  ui.form.counter.textContent = text;
  ui.form.counter.classList.toggle("lt-counter--over", left < 0);
  window.clearTimeout(ui.counterTimer);
  if (announce && left < 500) {
    ui.counterTimer = window.setTimeout(function () { ui.form.counterLive.textContent = text; }, 1000);
  }
}

function onInput(event) {
  if (event.target.name === "body") {
    updateCounter(true);
  }
  if (event.target.getAttribute("aria-invalid") === "true") {
    clearFieldError(event.target);
  }
  saveDraft();
}
