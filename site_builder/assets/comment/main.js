/* Lawtrail comment widget.
 *
 * On a draft in public discussion the text container carries the intake address and the
 * discussion window:
 *   <div class="lt-text" data-lt-intake data-lt-draft data-lt-revision data-opens data-closes data-tz
 *        data-lt-max-body data-lt-language>
 * (data-lt-max-body: characters per comment, from the builder's limits; never copied here;
 * data-lt-language: only on a parallel language version's page, whose words quotes are).
 * This script gives every structural element (.lt-el) a "Comment" button (the buttons
 * together take one Tab stop, moved along by the arrow keys), offers
 * "Comment on this quote" for words selected inside one element, and runs one comment form
 * (cloned from <template id="lt-comment-template">) that moves next to the element
 * commented on and posts JSON to the intake.
 *
 * Everything it adds carries [data-lt-ui]: quotes are computed from the element's text with
 * those controls left out, so a quote is the same text the server sees. Nothing is in the
 * built HTML, so search and exports never contain "Comment".
 *
 * ES modules served as they are (no build step, no dependencies); this one starts the
 * widget on each page: state.js holds what they share, targets.js the Comment buttons,
 * roving.js their keys, quote.js and offer.js selected words, quoting.js words typed in
 * the form, form.js the form, storage.js unsent text, api.js the request.
 */

import { buildForm, closeForm, inForm } from "./form.js";
import { buildOffer, hideOffer, scheduleOffer } from "./offer.js";
import { language, t } from "./i18n.js";
import { KEYS_HINT_ID, followHash } from "./roving.js";
import { ICON, setUi, ui } from "./state.js";
import { markSavedDrafts } from "./storage.js";
import { addButtons } from "./targets.js";

var globalsBound = false;

/* ---------------------------------------------------------------- discussion window */

/* "before", "open" or "after": closes is inclusive, like the intake's rule (lawtrail.js). */
function windowPhase(root) {
  return window.lawtrail.windowPhase(root.dataset.opens, root.dataset.closes, root.dataset.tz);
}

/* A day as the page writes it ("12 ноября 2026 г."), the ISO date in datetime. */
function timeElement(date, text) {
  var time = document.createElement("time");
  time.dateTime = date;
  time.textContent = text || date;
  return time;
}

/* A message with one <time> where its %(date)s placeholder is. */
function appendWithDate(parent, message, time) {
  var parts = message.split("%(date)s");
  parent.appendChild(document.createTextNode(parts[0]));
  parent.appendChild(time);
  parent.appendChild(document.createTextNode(parts.slice(1).join("")));
}

/* A short line above the text: how to comment, or why one cannot right now. */
function addNote(root, phase) {
  var note = document.createElement("p");
  note.className = "lt-comment-note lt-comment-note--" + phase;
  note.setAttribute("data-lt-ui", "");
  note.lang = language();
  if (phase === "before") {
    appendWithDate(note, t("Comments are accepted from %(date)s."),
      timeElement(root.dataset.opens, root.dataset.opensText));
  } else if (phase === "after") {
    appendWithDate(note, t("The discussion closed on %(date)s."),
      timeElement(root.dataset.closes, root.dataset.closesText));
  } else {
    var button = "<strong><span class=\"lt-comment-note__icon\">" + ICON + "</span>" +
      escapeHtml(t("Comment")) + "</strong>";
    note.innerHTML = escapeHtml(t("To comment, use the %(button)s button next to any article, paragraph or point, or select words in the text. No account is needed."))
      .replace("%(button)s", button);
  }
  root.parentNode.insertBefore(note, root);
  if (phase === "open" && !touchOnly()) {
    // Said once here and given to every Comment button as its description; not on a
    // phone or tablet without a keyboard, where it would only be in the way.
    var keys = document.createElement("p");
    keys.className = "lt-comment-note lt-comment-keys";
    keys.id = KEYS_HINT_ID;
    keys.setAttribute("data-lt-ui", "");
    keys.lang = language();
    keys.textContent = t("By keyboard: Tab reaches one Comment button, the arrow keys move to the others, Enter opens the form.");
    root.parentNode.insertBefore(keys, root);
  }
}

function touchOnly() {
  return !!(window.matchMedia && window.matchMedia("(hover: none) and (pointer: coarse)").matches);
}

function escapeHtml(text) {
  return text.replace(/[&<>"]/g, function (c) {
    return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;" }[c];
  });
}

/* ---------------------------------------------------------------- keyboard and selection */

function onKeydown(event) {
  if (!ui || !ui.open) {
    return;
  }
  var offerShown = ui.offer && !ui.offer.hidden;
  if (event.key === "Escape") {
    if (offerShown) {
      hideOffer(true);
      event.preventDefault();
    } else if (ui.form && !ui.form.box.hidden && ui.form.box.contains(document.activeElement)) {
      event.preventDefault();
      closeForm();
    }
    return;
  }
  // After selecting words with Shift+arrows, Tab goes to the offer first, wherever the
  // offer sits in the page's tab order.
  if (event.key === "Tab" && !event.shiftKey && !event.altKey && !event.ctrlKey && !event.metaKey &&
      offerShown && document.activeElement !== ui.offer && !inForm(document.activeElement)) {
    event.preventDefault();
    ui.beforeOffer = document.activeElement;
    ui.offer.focus();
  }
}


function bindGlobals() {
  if (globalsBound) {
    return;
  }
  globalsBound = true;
  document.addEventListener("keydown", onKeydown, true);
  document.addEventListener("selectionchange", function () { scheduleOffer(150); });
  // Wait for the mouse button (or finger) to come up before offering: no button jumping
  // around under the pointer while the reader is still selecting.
  document.addEventListener("pointerdown", function (event) {
    if (ui && !(ui.offer && ui.offer.contains(event.target))) {
      ui.pointerDown = true;
    }
  }, true);
  var release = function () {
    if (ui) {
      ui.pointerDown = false;
      scheduleOffer(20);
    }
  };
  document.addEventListener("pointerup", release, true);
  document.addEventListener("pointercancel", release, true);
  window.addEventListener("resize", function () { hideOffer(false); });
  window.addEventListener("hashchange", followHash);
}

/* ---------------------------------------------------------------- start */

/* Each element's names, as the builder wrote them: {eId: {label, own?, within?}}. */
function readLabels() {
  var data = document.getElementById("lt-labels");
  try {
    return data ? JSON.parse(data.textContent) : {};
  } catch (err) {
    return {};
  }
}

export function start() {
  var root = document.querySelector(".lt-text[data-lt-intake]");
  if (!root) {
    setUi(null); // a page without commenting (or a draft not in discussion)
    return;
  }
  if (root.hasAttribute("data-lt-comments")) {
    return; // this page is set up already
  }
  root.setAttribute("data-lt-comments", "");
  var phase = windowPhase(root);
  setUi({
    root: root,
    draft: root.dataset.ltDraft,
    revision: root.dataset.ltRevision,
    language: root.dataset.ltLanguage || null,
    maxBody: Number(root.dataset.ltMaxBody),
    labels: readLabels(),
    open: phase === "open",
    buttons: {},
    form: null,
    offer: null,
    target: null
  });
  addNote(root, phase);
  if (!ui.open) {
    return; // no buttons, no form: the note above the text says when commenting is possible
  }
  ui.form = buildForm(root);
  if (!ui.form) {
    return; // the page has no form template: leave the text as it is
  }
  root.classList.add("lt-text--commentable");
  addButtons(root);
  markSavedDrafts();
  ui.offer = buildOffer();
  bindGlobals();
}

window.lawtrail.onEveryPage(start);
