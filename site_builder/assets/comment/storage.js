/* Lawtrail comment widget: unsent text kept in localStorage, per draft and element. */

import { PERSON_FIELDS, TEXT_FIELDS, field, hasText } from "./form.js";
import { ui } from "./state.js";

var STORE_PREFIX = "lawtrail:comment:v1:";

/* ---------------------------------------------------------------- drafts in localStorage */

function storeKey(eid) {
  return STORE_PREFIX + ui.draft + ":" + eid;
}

export function loadDraft(eid) {
  try {
    var raw = window.localStorage.getItem(storeKey(eid));
    var saved = raw ? JSON.parse(raw) : null;
    return saved && typeof saved === "object" ? saved : null;
  } catch (err) {
    return null; // storage off or full: the form still works, only without the safety net
  }
}

/* Saved on every keystroke, so a closed tab, a crash or a failed send loses nothing. */
export function saveDraft() {
  if (!ui.target) {
    return;
  }
  var saved = { revision: ui.revision, saved: new Date().toISOString() };
  var any = false;
  TEXT_FIELDS.concat(PERSON_FIELDS).forEach(function (name) {
    saved[name] = field(name).value;
    any = any || !!saved[name].trim();
  });
  saved.consent = field("consent").checked;
  if (ui.target.quote) {
    saved.quote = ui.target.quote;
  }
  if (field("quote").value.trim()) {
    saved.quoteText = field("quote").value;
  }
  try {
    if (any) {
      window.localStorage.setItem(storeKey(ui.target.el.id), JSON.stringify(saved));
    } else {
      window.localStorage.removeItem(storeKey(ui.target.el.id));
    }
  } catch (err) {
    /* nothing to do: see loadDraft */
  }
  markDraft(ui.target.el.id, hasText(saved));
}

export function clearDraft(eid) {
  try {
    window.localStorage.removeItem(storeKey(eid));
  } catch (err) {
    /* see loadDraft */
  }
  markDraft(eid, false);
}

/* Buttons of elements with unsent text stay visible, so the reader finds them again. */
function markDraft(eid, on) {
  var button = ui.buttons[eid];
  if (button) {
    button.classList.toggle("lt-cbtn--draft", on);
  }
}

export function markSavedDrafts() {
  for (var eid in ui.buttons) {
    if (Object.prototype.hasOwnProperty.call(ui.buttons, eid)) {
      var saved = loadDraft(eid);
      markDraft(eid, !!(saved && hasText(saved)));
    }
  }
}
