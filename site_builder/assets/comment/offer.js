/* Lawtrail comment widget: the "Comment on this quote" offer shown under selected words. */

import { inForm, openForm } from "./form.js";
import { selectedQuote } from "./quote.js";
import { language, t } from "./i18n.js";
import { ICON, ui } from "./state.js";

/* ---------------------------------------------------------------- "Comment on this quote" */

export function buildOffer() {
  // With Material's instant loading the body stays across pages: reuse the offer.
  var existing = document.querySelector("body > .lt-quote-offer");
  if (existing) {
    existing.hidden = true;
    return existing;
  }
  var offer = document.createElement("button");
  offer.type = "button";
  offer.className = "lt-quote-offer";
  offer.setAttribute("data-lt-ui", "");
  offer.lang = language();
  offer.hidden = true;
  offer.innerHTML = ICON + "<span></span>";
  offer.lastChild.textContent = t("Comment on this quote");
  // Keep the selection when the offer is pressed: a mousedown would otherwise clear it.
  offer.addEventListener("mousedown", function (event) { event.preventDefault(); });
  offer.addEventListener("click", function () {
    var found = ui.offered;
    hideOffer(false);
    if (found) {
      openForm(found.el, found, ui.buttons[found.el.id]);
    }
  });
  offer.addEventListener("blur", function () {
    // Tabbing past the offer means the reader does not want it.
    window.setTimeout(function () {
      if (ui && document.activeElement !== offer && !ui.pointerDown) {
        hideOffer(false);
      }
    }, 0);
  });
  document.body.appendChild(offer);
  return offer;
}

/* Below the end of the selection, inside the viewport; lower on touch screens, where the
   selection handles and the system menu sit right around the words. */
function placeOffer(found) {
  var offer = ui.offer;
  var rects = found.range ? found.range.getClientRects() : [];
  var rect = null;
  for (var i = rects.length - 1; i >= 0 && !rect; i--) {
    if (rects[i].width > 0) {
      rect = rects[i];
    }
  }
  rect = rect || found.el.getBoundingClientRect();
  var touch = window.matchMedia && window.matchMedia("(pointer: coarse)").matches;
  var gap = touch ? 28 : 8;
  var width = offer.offsetWidth;
  var left = Math.min(rect.right - width / 2, document.documentElement.clientWidth - width - 8);
  offer.style.left = Math.max(8, left) + window.scrollX + "px";
  offer.style.top = rect.bottom + gap + window.scrollY + "px";
}

function showOffer(found) {
  ui.offered = found;
  ui.offer.hidden = false;
  placeOffer(found);
}

export function hideOffer(restoreFocus) {
  if (!ui || !ui.offer || ui.offer.hidden) {
    return;
  }
  var hadFocus = document.activeElement === ui.offer;
  ui.offer.hidden = true;
  ui.offered = null;
  if (hadFocus && restoreFocus && ui.beforeOffer && document.contains(ui.beforeOffer)) {
    ui.beforeOffer.focus();
  }
  ui.beforeOffer = null;
}

/* Called after the selection settles: offer a quote comment, or withdraw the offer. */
function updateOffer() {
  if (!ui || !ui.open || ui.pointerDown) {
    return;
  }
  if (document.activeElement === ui.offer) {
    return;
  }
  // Words selected inside the form or another text field are not a quote of the draft.
  var active = document.activeElement;
  if (active && (inForm(active) || /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName) || active.isContentEditable)) {
    hideOffer(false);
    return;
  }
  var found = selectedQuote(ui.root);
  if (found) {
    showOffer(found);
  } else {
    hideOffer(false);
  }
}

export function scheduleOffer(delay) {
  window.clearTimeout(ui && ui.offerTimer);
  if (ui) {
    ui.offerTimer = window.setTimeout(updateOffer, delay);
  }
}
