/* Lawtrail comment widget: structural elements and their Comment buttons.
 *
 * Elements are named by the labels the builder wrote into the page (site_builder/ids.py);
 * an eId is only ever an id here, never parsed.
 */

import { openForm } from "./form.js";
import { ICON, firstBlock, isHeading, ui, uiLang } from "./state.js";

/* ---------------------------------------------------------------- naming elements */

/* Each element carries data-lt-label ("Article 5, paragraph 2") and, where they differ,
   data-lt-label-own ("paragraph 2") and data-lt-label-within ("paragraph 2 of Article 5"). */

/* "Comment on paragraph 2 of Article 5" */
function buttonName(el) {
  return "Comment on " + (el.dataset.ltLabelWithin || el.dataset.ltLabel);
}

/* "Article 5, paragraph 2" */
export function targetName(el) {
  return el.dataset.ltLabel;
}

/* "paragraph 2" */
export function ownName(el) {
  return el.dataset.ltLabelOwn || el.dataset.ltLabel;
}

/* ---------------------------------------------------------------- Comment buttons */

export function addButtons(root) {
  var elements = root.querySelectorAll(".lt-el[id]");
  for (var i = 0; i < elements.length; i++) {
    addButton(elements[i]);
  }
}

/* The button goes after the element's own text (inside a heading, or after a paragraph's
   first <p>), so Tab reaches it right after that text and before nested points. */
function addButton(el) {
  var button = document.createElement("button");
  button.type = "button";
  button.className = "lt-cbtn";
  button.setAttribute("data-lt-ui", "");
  button.setAttribute("data-lt-target", el.id);
  button.setAttribute("aria-label", buttonName(el));
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("aria-controls", "lt-comment");
  button.lang = uiLang();
  button.innerHTML = ICON + '<span class="lt-cbtn__text">Comment</span>';
  button.addEventListener("click", function () {
    openForm(el, null, button);
  });
  var block = firstBlock(el);
  if (isHeading(el) || !block) {
    el.appendChild(button);
  } else {
    block.insertAdjacentElement("afterend", button);
  }
  ui.buttons[el.id] = button;
}
