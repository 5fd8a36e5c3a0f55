/* Lawtrail: what depends on today is worked out here, not baked into pages. */
(function () {
  "use strict";

  var DAY = 86400000;

  /* Today's date (YYYY-MM-DD) in the site's time zone. */
  function today(tz) {
    try {
      return new Intl.DateTimeFormat("en-CA", {
        timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit"
      }).format(new Date());
    } catch (err) {
      return new Date().toISOString().slice(0, 10);
    }
  }

  function days(from, to) {
    return Math.round((Date.parse(to + "T00:00:00Z") - Date.parse(from + "T00:00:00Z")) / DAY);
  }

  /* "before", "open" or "after" a window whose closing day is included, as the intake
     counts it. Shared with the comment widget (comment/main.js) through window.lawtrail. */
  function windowPhase(opens, closes, tz) {
    var now = today(tz || "UTC");
    if (opens && now < opens) {
      return "before";
    }
    if (closes && now > closes) {
      return "after";
    }
    return "open";
  }

  window.lawtrail = { today: today, windowPhase: windowPhase };

  /* "12 days left", "last day", "opens in 3 days" or "closed": closes is inclusive. */
  function windowState(opens, closes, tz) {
    var now = today(tz);
    if (now < opens) {
      var wait = days(now, opens);
      return { open: false, text: "Opens in " + wait + (wait === 1 ? " day" : " days") };
    }
    if (now > closes) {
      return { open: false, text: "Discussion closed" };
    }
    var left = days(now, closes);
    if (left === 0) {
      return { open: true, text: "Last day to comment" };
    }
    return { open: true, text: (left + 1) + " days left, today included" };
  }

  function markDays(root) {
    root.querySelectorAll(".lt-days").forEach(function (el) {
      var state = windowState(el.dataset.opens, el.dataset.closes, el.dataset.tz || "UTC");
      el.textContent = state.text;
      el.classList.toggle("lt-days--open", state.open);
      var card = el.closest(".lt-card");
      if (card) {
        card.dataset.open = state.open ? "true" : "false";
      }
    });
  }

  /* Drafts open for comment right now go first; the build cannot know which those are. */
  function openFirst(root) {
    root.querySelectorAll(".lt-drafts").forEach(function (list) {
      var cards = Array.prototype.slice.call(list.children);
      var open = cards.filter(function (c) { return c.dataset.open === "true"; });
      var rest = cards.filter(function (c) { return c.dataset.open !== "true"; });
      open.concat(rest).forEach(function (c) { list.appendChild(c); });
    });
  }

  function start() {
    markDays(document);
    openFirst(document);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(start);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
