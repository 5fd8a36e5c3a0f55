/* Lawtrail: the tracking page (lawtrail/track.html).
 *
 * A tracking number goes in, typed or from the address (`?id=...`, `#...`, or the last
 * folder of a review's address the intake served this page at because its page is not
 * built yet); the intake's status answer (GET <intake>/reviews/<id>, docs/api.md) comes
 * out in words: waiting for moderation and what happens next, published with a link to
 * each comment and its answer, or not published and why.
 *
 * The page gives the intake's address, the dispositions' names and the site's time zone;
 * the API names each comment's element in the language asked for. Nothing the API sends
 * is ever parsed as HTML.
 */
(function () {
  "use strict";

  var latest = null; // the lookup whose answer is shown: a later one wins

  function t(msgid, params) {
    return window.lawtrail.t(msgid, params);
  }

  function start() {
    var root = document.querySelector(".lt-track");
    if (!root || root.dataset.ltReady) {
      return;
    }
    root.dataset.ltReady = "true";
    var form = root.querySelector(".lt-track__form");
    var input = form.querySelector("input[name=id]");
    form.hidden = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var number = clean(input.value);
      if (!number) {
        fieldError(root, t("Enter your tracking number."));
        input.focus();
        return;
      }
      input.value = number;
      remember(number);
      lookUp(root, number, true);
    });
    input.addEventListener("input", function () { fieldError(root, ""); });
    var number = clean(fromAddress(root));
    if (number) {
      input.value = number;
      lookUp(root, number, false);
    }
  }

  /* ------------------------------------------------------------ the number */

  function clean(text) {
    return String(text || "").replace(/\s+/g, "").toLowerCase();
  }

  function decode(text) {
    try {
      return decodeURIComponent(text);
    } catch (err) {
      return text;
    }
  }

  function fromAddress(root) {
    var id = new URLSearchParams(window.location.search).get("id");
    if (id) {
      return id;
    }
    var hash = decode(window.location.hash.slice(1));
    if (hash && !document.getElementById(hash)) {
      return hash;
    }
    if (root.hasAttribute("data-lt-unbuilt")) {
      var parts = window.location.pathname.split("/").filter(function (part) {
        return part && part !== "index.html";
      });
      return parts.length ? decode(parts[parts.length - 1]) : "";
    }
    return "";
  }

  /* The number in the address: a reload or a bookmark shows it again. */
  function remember(number) {
    if (window.history && window.history.replaceState) {
      var url = new URL(window.location.href);
      url.searchParams.set("id", number);
      url.hash = "";
      window.history.replaceState(window.history.state, "", url.href);
    }
  }

  /* ------------------------------------------------------------ asking the intake */

  function lookUp(root, number, moveFocus) {
    var token = {};
    latest = token;
    var result = root.querySelector(".lt-track__result");
    result.hidden = true;
    result.textContent = "";
    fieldError(root, "");
    say(root, t("Looking up %(number)s…", { number: number }), "info");
    var intake = (root.dataset.ltIntake || "").replace(/\/+$/, "");
    window.lawtrail.ask(intake + "/reviews/" + encodeURIComponent(number), {}).then(function (answer) {
      if (latest === token) {
        show(root, number, answer, moveFocus);
      }
    }, function () {
      if (latest === token) {
        say(root, t("Could not reach the comment service. Check your connection and try again."), "error");
      }
    });
  }

  function show(root, number, answer, moveFocus) {
    var data = answer.data || {};
    var render = answer.status === 200 ? RENDER[data.status] : null;
    if (render) {
      say(root, "", "info");
      var result = root.querySelector(".lt-track__result");
      render(result, data, root);
      result.hidden = false;
      if (moveFocus) {
        result.querySelector("h2").focus();
      }
      return;
    }
    if (answer.status === 404 && data.error && data.error.code === "unknown_review") {
      say(root, "", "info");
      fieldError(root, t("There is no comment with the tracking number %(number)s. Check the number and try again.", { number: number }));
      if (moveFocus) {
        root.querySelector("input[name=id]").focus();
      }
      return;
    }
    say(root, t("The comment service cannot answer just now. Please try again in a few minutes.") + " " +
      t("(Error %(status)s.)", { status: answer.status }), "error");
  }

  /* ------------------------------------------------------------ the answer in words */

  var RENDER = {
    pending: function (result, data) {
      heading(result, t("Received: waiting for moderation"), "pending");
      paragraph(result, t("Your comment on %(draft)s was received on %(date)s."), {
        draft: draftLink(data.draft), date: time(data.submitted)
      });
      paragraph(result, t("What happens next: a moderator reads every comment before it is published. Comments that break the rules, such as spam or abuse, are not published."));
      paragraph(result, t("Once published, your comment appears with the draft, and the agency answers it in public: accepted, partly accepted, rejected or noted, with its reasons."));
      paragraph(result, t("Come back to this page with your tracking number to read the answer."));
    },
    merged: function (result, data, root) {
      heading(result, t("Published"), "published");
      if (data.published) {
        paragraph(result, t("Your comment on %(draft)s was published on %(date)s."), {
          draft: draftLink(data.draft), date: time(data.published)
        });
      } else {
        paragraph(result, t("Your comment on %(draft)s is published."), { draft: draftLink(data.draft) });
      }
      if (root.hasAttribute("data-lt-unbuilt")) {
        paragraph(result, t("Its page is not on the site yet: it appears with the site's next update."));
      }
      var list = document.createElement("ol");
      list.className = "lt-track__comments";
      (data.comments || []).forEach(function (comment) {
        list.appendChild(commentItem(comment, root));
      });
      if (list.children.length) {
        result.appendChild(list);
      } else if (data.url && !root.hasAttribute("data-lt-unbuilt")) {
        paragraph(result, "%(link)s", { link: link(data.url, t("Read your comment and its answer")) });
      }
      comments(result, data.draft);
    },
    rejected: function (result, data) {
      heading(result, t("Not published"), "rejected");
      if (data.reason) {
        paragraph(result, t("The moderators did not publish this comment. The reason given: %(reason)s."), {
          reason: text(String(data.reason).replace(/[.\s]+$/, ""))
        });
      } else {
        paragraph(result, t("The moderators did not publish this comment."));
      }
      paragraph(result, t("Comments that are not published are counted, by reason, on the draft's page of comments and answers."));
      paragraph(result, t("If you think this is a mistake, write to the agency that drafted it and give your tracking number."));
      comments(result, data.draft);
    }
  };

  function commentItem(comment, root) {
    var item = document.createElement("li");
    item.className = "lt-track__comment";
    var element = strong(comment.label || comment.element);
    if (root.hasAttribute("data-lt-unbuilt")) {
      // Its page would be this very page until the site is rebuilt: no link back to it.
      paragraph(item, t("On %(element)s"), { element: element });
    } else {
      paragraph(item, t("On %(element)s: %(link)s"), {
        element: element,
        link: link(comment.url, t("Read your comment and its answer"))
      });
    }
    var answer = comment.answer;
    var names = dispositions(root);
    var head = document.createElement("p");
    head.className = "lt-answer__head";
    var badge = document.createElement("span");
    var key = answer ? answer.disposition : "pending";
    badge.className = "lt-disposition lt-disposition--" + key;
    badge.textContent = names[key] || key;
    head.appendChild(badge);
    if (answer) {
      head.appendChild(document.createTextNode(" · " + answer.by + ", "));
      head.appendChild(time(answer.date));
      item.appendChild(head);
      var words = document.createElement("div");
      words.className = "lt-track__answer";
      words.textContent = answer.text;
      item.appendChild(words);
    } else {
      head.appendChild(document.createTextNode(" · " + t("the agency answers every published comment in public.")));
      item.appendChild(head);
    }
    return item;
  }

  function dispositions(root) {
    try {
      return JSON.parse(root.dataset.ltDispositions || "{}");
    } catch (err) {
      return {};
    }
  }

  /* The draft as the page lists it (its title, language and comments page), else its slug. */
  function listed(slug) {
    var links = document.querySelectorAll(".lt-track__drafts a[data-lt-slug]");
    for (var i = 0; i < links.length; i++) {
      if (links[i].dataset.ltSlug === slug) {
        return links[i];
      }
    }
    return null;
  }

  function draftLink(slug) {
    var found = listed(slug);
    if (!found) {
      return text(slug || "");
    }
    var title = document.createElement("cite");
    title.textContent = found.textContent;
    if (found.lang) {
      title.lang = found.lang;
    }
    return title;
  }

  function comments(result, slug) {
    var found = listed(slug);
    if (found) {
      paragraph(result, "%(link)s", { link: link(found.href, t("All comments and answers on this draft")) });
    }
  }

  /* ------------------------------------------------------------ DOM helpers */

  function heading(result, words, kind) {
    var h = document.createElement("h2");
    h.id = "lt-track-heading";
    h.className = "lt-track__heading lt-track__heading--" + kind;
    h.tabIndex = -1;
    h.textContent = words;
    result.appendChild(h);
  }

  /* A paragraph of a message whose %(name)s placeholders are the nodes in `parts`. */
  function paragraph(parent, message, parts) {
    var p = document.createElement("p");
    message.split(/(%\(\w+\)s)/).forEach(function (piece) {
      var name = /^%\((\w+)\)s$/.exec(piece);
      if (name && parts && parts[name[1]]) {
        p.appendChild(parts[name[1]]);
      } else if (piece) {
        p.appendChild(document.createTextNode(piece));
      }
    });
    parent.appendChild(p);
    return p;
  }

  function text(words) {
    return document.createTextNode(words);
  }

  function strong(words) {
    var node = document.createElement("strong");
    node.textContent = words;
    return node;
  }

  function link(href, words) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = words;
    return a;
  }

  /* A day ("2026-11-27") or a moment ("2026-11-27T10:00:00Z") as the site's language
     writes a day, the moment's in the site's time zone. */
  function time(iso) {
    var node = document.createElement("time");
    iso = String(iso || "");
    node.dateTime = iso;
    var day = iso.length === 10;
    try {
      node.textContent = new Intl.DateTimeFormat(window.lawtrail.lang, {
        year: "numeric", month: "long", day: "numeric",
        timeZone: day ? "UTC" : (document.querySelector(".lt-track").dataset.tz || "UTC")
      }).format(new Date(day ? iso + "T12:00:00Z" : iso));
    } catch (err) {
      node.textContent = iso.slice(0, 10);
    }
    return node;
  }

  function say(root, words, kind) {
    var status = root.querySelector(".lt-track__status");
    status.textContent = words;
    status.className = "lt-track__status" + (words ? " lt-track__status--" + kind : "");
  }

  function fieldError(root, message) {
    var input = root.querySelector("input[name=id]");
    var error = root.querySelector("#lt-track-error");
    error.textContent = message;
    error.hidden = !message;
    if (message) {
      input.setAttribute("aria-invalid", "true");
    } else {
      input.removeAttribute("aria-invalid");
    }
  }

  window.lawtrail.onEveryPage(start);
})();
