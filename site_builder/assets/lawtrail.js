/* Lawtrail: what depends on today is worked out here, not baked into pages. */
(function () {
  "use strict";

  var DAY = 86400000;

  /* The site language's messages, from its catalog: written at build time as
     assets/lawtrail/i18n/<lang>.js, which runs before this script. English has none. */
  var catalog = window.lawtrailMessages || { lang: "en", plural: {}, messages: {} };

  /* "%(name)s" and "%(count)d" filled in from params. */
  function format(text, params) {
    return text.replace(/%\((\w+)\)[sd]/g, function (whole, key) {
      return params && Object.prototype.hasOwnProperty.call(params, key) ? String(params[key]) : whole;
    });
  }

  /* gettext: a message in the site's language. */
  function t(msgid, params) {
    var text = catalog.messages[msgid];
    return format(typeof text === "string" && text ? text : msgid, params);
  }

  /* ngettext: the catalog's plural form for count; the browser names count's CLDR category
     and the catalog says which of its forms that category takes ("1 день", "2 дня", "5 дней").
     params.count, when given, is how the number is written ("4 870"). */
  function n(singular, plural, count, params) {
    var forms = catalog.messages[singular];
    var text = count === 1 ? singular : plural;
    if (Array.isArray(forms) && forms.length) {
      var category = "other";
      try {
        category = new Intl.PluralRules(catalog.lang).select(count);
      } catch (err) {
        category = count === 1 ? "one" : "other";
      }
      var index = catalog.plural[category];
      text = forms[Math.min(index === undefined ? forms.length - 1 : index, forms.length - 1)] || text;
    }
    var all = { count: count };
    for (var key in params || {}) {
      if (Object.prototype.hasOwnProperty.call(params, key)) {
        all[key] = params[key];
      }
    }
    return format(text, all);
  }

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

  var REQUEST_TIMEOUT = 30000; // a request to the intake hanging longer counts as a network failure

  /* Ask the intake (fetch `options` plus the site's Accept-Language and no cookies): a
     promise of {status, data}, data null when the body is not JSON; rejected when the
     network fails or the answer takes longer than REQUEST_TIMEOUT. Shared by the comment
     widget and the tracking page. */
  function ask(url, options) {
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    var timer = controller && window.setTimeout(function () { controller.abort(); }, REQUEST_TIMEOUT);
    var headers = Object.assign({ "Accept": "application/json" }, options.headers, { "Accept-Language": lang });
    var request = Object.assign({}, options, {
      headers: headers,
      credentials: "omit",
      signal: controller ? controller.signal : undefined
    });
    return fetch(url, request).then(function (response) {
      return response.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (err) { data = null; }
        return { status: response.status, data: data };
      });
    }).finally(function () { window.clearTimeout(timer); });
  }

  /* Run `start` on every page: with Material's instant loading each new page is announced
     through document$; without it, once the document is ready. */
  function onEveryPage(start) {
    if (window.document$ && typeof window.document$.subscribe === "function") {
      window.document$.subscribe(start);
    } else if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", start);
    } else {
      start();
    }
  }

  // The site's language: the script's words, and what the intake is asked to answer in (not
  // the browser's: a Kazakh page on a phone set to Russian).
  var lang = catalog.lang || document.documentElement.lang || "en";

  window.lawtrail = {
    today: today,
    windowPhase: windowPhase,
    t: t,
    n: n,
    lang: lang,
    ask: ask,
    onEveryPage: onEveryPage
  };

  /* "12 days left", "last day", "opens in 3 days" or "closed": closes is inclusive. */
  function windowState(opens, closes, tz) {
    var now = today(tz);
    if (now < opens) {
      var wait = days(now, opens);
      return { open: false, text: n("Opens in %(count)d day", "Opens in %(count)d days", wait) };
    }
    if (now > closes) {
      return { open: false, text: t("Discussion closed") };
    }
    var left = days(now, closes);
    if (left === 0) {
      return { open: true, text: t("Last day to comment") };
    }
    return {
      open: true,
      text: n("%(count)d day left, today included", "%(count)d days left, today included", left + 1)
    };
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

  /* Material searches when a key is released in its field. A word pasted, dictated, or
     picked from a phone keyboard's suggestions changes the field with no key released:
     tell Material as a key would (it ignores a value it has already searched for). */
  function searchOnInput() {
    var field = document.querySelector("input.md-search__input");
    if (field && !field.dataset.ltInput) {
      field.dataset.ltInput = "true";
      field.addEventListener("input", function () {
        field.dispatchEvent(new KeyboardEvent("keyup"));
      });
    }
  }

  function start() {
    markDays(document);
    openFirst(document);
    searchOnInput();
  }

  onEveryPage(start);
})();
