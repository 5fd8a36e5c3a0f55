/* Lawtrail: Material's menu and search buttons by keyboard.

   Below Material's full layout the navigation is a drawer and search a full-screen panel,
   each opened by a <label> for a hidden checkbox: a finger or a mouse can press it, but Tab
   never reaches it. A keyboard could only wander through the drawer while it was off-screen,
   or open search by landing on its hidden field (theme.css now hides both while closed).
   Here each label becomes a button: Enter or Space opens it and moves focus into it; Escape
   (or leaving the drawer by Tab) closes it, and focus returns to the button. */
(function () {
  "use strict";

  /* A label for a toggle checkbox, made a button named `name` that reports its state. */
  function labelButton(label, toggle, name) {
    label.dataset.ltButton = "true";
    label.setAttribute("role", "button");
    label.setAttribute("tabindex", "0");
    label.setAttribute("aria-label", name);
    function expanded() {
      label.setAttribute("aria-expanded", toggle.checked ? "true" : "false");
    }
    expanded();
    toggle.addEventListener("change", expanded);
    // Material's own key handler clicks a focused label on Enter; Space is left to us.
    label.addEventListener("keydown", function (event) {
      if (event.key === " ") {
        event.preventDefault();
        label.click();
      }
    });
  }

  /* Whether an element is laid out (a button Material hides at this width is not). */
  function shown(el) {
    return el.getClientRects().length > 0;
  }

  function menuButton() {
    var toggle = document.getElementById("__drawer");
    var button = document.querySelector('.md-header label[for="__drawer"]');
    var drawer = document.querySelector(".md-sidebar--primary");
    var nav = drawer && drawer.querySelector("nav[aria-label]");
    if (!toggle || !button || !nav || button.dataset.ltButton) {
      return; // a page that hides its navigation (page meta `hide: [navigation]`) has no drawer
    }
    labelButton(button, toggle, nav.getAttribute("aria-label"));
    toggle.addEventListener("change", function () {
      if (toggle.checked && document.activeElement === button) {
        var first = nav.querySelector(".md-nav__list a[href]");
        if (first) {
          first.focus();
        }
      }
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle.checked) {
        button.click();
        button.focus();
      }
    });
    document.addEventListener("focusin", function (event) {
      if (toggle.checked && !drawer.contains(event.target) && event.target !== button) {
        button.click();
      }
    });
  }

  function searchButton() {
    var toggle = document.getElementById("__search");
    var button = document.querySelector('.md-header label[for="__search"]');
    var dialog = document.querySelector(".md-search[aria-label]");
    if (!toggle || !button || !dialog || button.dataset.ltButton) {
      return;
    }
    labelButton(button, toggle, dialog.getAttribute("aria-label"));
    // Material closes search (Escape, Tab) and blurs its field: focus goes back to the button.
    var field = dialog.querySelector("input");
    if (field) {
      field.addEventListener("focusout", function (event) {
        if (!toggle.checked && !event.relatedTarget && shown(button)) {
          button.focus();
        }
      });
    }
    // Material's shortcuts focus the search field, which is hidden here until opened.
    document.addEventListener("keydown", function (event) {
      var target = event.target;
      var typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
      if (
        (event.key === "/" || event.key === "s" || event.key === "f") &&
        !event.ctrlKey && !event.metaKey && !event.altKey && !typing &&
        !toggle.checked && shown(button)
      ) {
        event.preventDefault();
        button.click();
      }
    });
  }

  function start() {
    menuButton();
    searchButton();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
