/* Lawtrail comment widget: structural elements and their Comment buttons.
 *
 * Elements are named by the labels the builder wrote into the page (site_builder/ids.py);
 * an eId is only ever an id here, never parsed.
 */

import { openForm } from "./form.js";
import { language, t } from "./i18n.js";
import { KEYS_HINT_ID, startRoving } from "./roving.js";
import { ICON, firstBlock, isHeading, ui } from "./state.js";

/* ---------------------------------------------------------------- naming elements */

/* The builder names each element in one map, by id ("lt-labels" in the page): `label`
   ("Article 5, paragraph 2") and, where they differ, `own` ("paragraph 2") and `within`
   ("paragraph 2 of Article 5"). */
function names(el) {
  return ui.labels[el.id] || { label: el.id };
}

/* "Comment on paragraph 2 of Article 5" */
function buttonName(el) {
  var n = names(el);
  return t("Comment on %(name)s", { name: n.within || n.label });
}

/* "Article 5, paragraph 2" */
export function targetName(el) {
  return names(el).label;
}

/* "paragraph 2" */
export function ownName(el) {
  var n = names(el);
  return n.own || n.label;
}

/* ---------------------------------------------------------------- Comment buttons */

/* One button per element; together they take one Tab stop (roving.js). */
export function addButtons(root) {
  var elements = root.querySelectorAll(".lt-el[id]");
  for (var i = 0; i < elements.length; i++) {
    addButton(elements[i]);
  }
  startRoving(root);
}

/* The button goes after the element's own text (inside a heading, or after a paragraph's
   first <p>), so it comes right after that text and before nested points. */
function addButton(el) {
  var button = document.createElement("button");
  button.type = "button";
  button.className = "lt-cbtn";
  button.setAttribute("data-lt-ui", "");
  button.setAttribute("data-lt-target", el.id);
  button.setAttribute("aria-label", buttonName(el));
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("aria-controls", "lt-comment");
  if (document.getElementById(KEYS_HINT_ID)) {
    button.setAttribute("aria-describedby", KEYS_HINT_ID); // the keys, said above the text
  }
  button.lang = language();
  button.innerHTML = ICON + '<span class="lt-cbtn__text"></span>';
  button.lastChild.textContent = t("Comment");
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
