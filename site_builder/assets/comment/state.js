/* Lawtrail comment widget: what every module shares.
 *
 * The page being commented on (`ui`, set by main.js for each page shown, with the limit the
 * page states), the messages readers see, and the small DOM helpers the other modules use.
 */

import { t } from "./i18n.js";

export var KEPT = t("Your text is kept.");

export var MESSAGES = {
  closed: t("The discussion of this draft is closed; comments are no longer accepted."),
  tooMany: t("Too many comments from your connection just now. Please wait a few minutes and send again.") + " " + KEPT,
  tooLarge: t("Your comment is too long for the comment service. Please shorten it and send again.") + " " + KEPT,
  network: t("Could not reach the comment service. Check your connection and send again.") + " " + KEPT,
  server: t("The comment service could not take your comment just now. Please try again in a few minutes.") + " " + KEPT,
  sending: t("Sending your comment…"),
  restored: t("The text you wrote here earlier, but did not send, is back in the form."),
  fixErrors: t("Please correct the marked fields and send again.")
};

export var ICON = '<svg aria-hidden="true" focusable="false" viewBox="0 0 24 24" width="20" height="20">' +
  '<path d="M4 4.5h16v11H9.5L5 19.5v-4H4z" fill="none" stroke="currentColor" stroke-width="2"' +
  ' stroke-linejoin="round"/><path d="M8 9h8M8 12h5" stroke="currentColor" stroke-width="2"' +
  ' stroke-linecap="round"/></svg>';

/* The page being shown; replaced when Material swaps pages with instant loading. */
export var ui = null;

export function setUi(value) {
  ui = value;
}

export function isHeading(el) {
  return /^H[1-6]$/.test(el.tagName);
}

/* A paragraph or point holds its own text in a first <p>, then nested points. */
export function firstBlock(el) {
  var first = el.firstElementChild;
  return first && first.tagName === "P" ? first : null;
}
