/* Lawtrail comment widget: one Tab stop for all the Comment buttons (a roving tabindex).
 *
 * WAI-ARIA Authoring Practices ("Developing a Keyboard Interface"): Tab moves between the
 * parts of a page and the arrow keys move inside one, and the Tab order holds one control
 * of each such part. The Comment buttons of a draft are one part: only the current one
 * has tabindex 0, the others -1. On a Comment button, Up and Down (Left and Right too) go
 * to the previous and next element's button, Home and End to the first and last, Page Up
 * and Page Down to the previous and next heading (article, chapter); Enter or Space opens
 * the form, Tab leaves. Without this, every element cost two Tab stops (its link and its
 * button), and reaching a paragraph of Article 3 took two dozen presses.
 *
 * The current button follows the reader, so Tab finds the one they are at: the element a
 * link took them to (the contents, an element's own link, a shared address), the button
 * they pressed or tapped, the element whose form they opened (selected words too).
 *
 * The text keeps no widget role around it: screen readers stay in their reading mode,
 * where every Comment button is still a button they can find and press.
 */

import { isHeading, ui } from "./state.js";

export var KEYS_HINT_ID = "lt-comment-keys";

/* Called once the buttons are in the page (targets.js). */
export function startRoving(root) {
  ui.order = Array.prototype.slice.call(root.querySelectorAll("button.lt-cbtn"));
  ui.order.forEach(function (button) { button.tabIndex = -1; });
  ui.current = null;
  setCurrent(buttonAt(location.hash) || ui.order[0] || null);
  root.addEventListener("keydown", onKeydown);
  root.addEventListener("focusin", function (event) {
    if (isCommentButton(event.target)) {
      setCurrent(event.target);
    }
  });
}

/* Make an element's Comment button the one Tab reaches (without moving focus). */
export function makeCurrent(el) {
  if (ui && ui.buttons && el) {
    setCurrent(ui.buttons[el.id] || null);
  }
}

/* A link to an element (or to something inside one) makes that element current. */
export function followHash() {
  if (ui && ui.order) {
    var button = buttonAt(location.hash);
    if (button) {
      setCurrent(button);
    }
  }
}

function setCurrent(button) {
  if (!button || button === ui.current) {
    return;
  }
  if (ui.current) {
    ui.current.tabIndex = -1;
  }
  button.tabIndex = 0;
  ui.current = button;
}

function isCommentButton(node) {
  return !!(node && node.classList && node.classList.contains("lt-cbtn") && ui.order.indexOf(node) >= 0);
}

function buttonAt(hash) {
  var id = hash ? decodeURIComponent(hash.slice(1)) : "";
  var target = id ? document.getElementById(id) : null;
  var el = target && ui.root.contains(target) ? target.closest(".lt-el") : null;
  return el ? ui.buttons[el.id] || null : null;
}

/* ---------------------------------------------------------------- keys */

function onKeydown(event) {
  if (!isCommentButton(event.target) || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) {
    return;
  }
  var at = ui.order.indexOf(event.target);
  var to = -1;
  switch (event.key) {
    case "ArrowDown": case "ArrowRight": to = Math.min(at + 1, ui.order.length - 1); break;
    case "ArrowUp": case "ArrowLeft": to = Math.max(at - 1, 0); break;
    case "Home": to = 0; break;
    case "End": to = ui.order.length - 1; break;
    case "PageDown": to = nextHeading(at, 1); break;
    case "PageUp": to = nextHeading(at, -1); break;
    default: return;
  }
  event.preventDefault(); // the page does not scroll: focus moving scrolls it to the button
  if (to !== at) {
    setCurrent(ui.order[to]);
    ui.order[to].focus();
  }
}

/* The index of the next (step 1) or previous (step -1) heading's button; the last or
   first button when there is none. */
function nextHeading(at, step) {
  for (var i = at + step; i >= 0 && i < ui.order.length; i += step) {
    var el = elementOf(ui.order[i]);
    if (el && isHeading(el)) {
      return i;
    }
  }
  return step > 0 ? ui.order.length - 1 : 0;
}

function elementOf(button) {
  return document.getElementById(button.getAttribute("data-lt-target"));
}
