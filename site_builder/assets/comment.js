/* Lawtrail comment widget.
 *
 * On a draft in public discussion the text container carries the intake address and the
 * discussion window:
 *   <div class="lt-text" data-lt-intake data-lt-draft data-lt-revision data-opens data-closes data-tz
 *        data-lt-max-body>
 * (data-lt-max-body: characters per comment, from the builder's limits; never copied here).
 * This script gives every structural element (.lt-el) a "Comment" button, offers
 * "Comment on this quote" for words selected inside one element, and runs one comment form
 * (cloned from <template id="lt-comment-template">) that moves next to the element
 * commented on and posts JSON to the intake.
 *
 * Everything it adds carries [data-lt-ui]: quotes are computed from the element's text with
 * those controls left out, so a quote is the same text the server sees. Nothing is in the
 * built HTML, so search and exports never contain "Comment".
 *
 * Plain ES5-style JavaScript, no build step, no dependencies.
 */
(function () {
  "use strict";

  var MAX_BODY = 0;             // characters per comment: data-lt-max-body, read in start()
  var QUOTE_CONTEXT = 32;       // prefix/suffix length of a W3C TextQuoteSelector (as Hypothesis)
  var REQUEST_TIMEOUT = 30000;  // a request hanging longer is treated as a network failure
  var STORE_PREFIX = "lawtrail:comment:v1:";
  var KEPT = " — your text is kept.";

  var MESSAGES = {
    closed: "The discussion of this draft is closed; comments are no longer accepted.",
    tooMany: "Too many comments from your connection just now. Please wait a few minutes and send again" + KEPT,
    tooLarge: "Your comment is too long for the comment service. Please shorten it and send again" + KEPT,
    network: "Could not reach the comment service. Check your connection and send again" + KEPT,
    server: "The comment service could not take your comment just now. Please try again in a few minutes" + KEPT,
    sending: "Sending your comment…",
    restored: "The text you wrote here earlier, but did not send, is back in the form.",
    fixErrors: "Please correct the marked fields and send again."
  };

  var ICON = '<svg aria-hidden="true" focusable="false" viewBox="0 0 24 24" width="20" height="20">' +
    '<path d="M4 4.5h16v11H9.5L5 19.5v-4H4z" fill="none" stroke="currentColor" stroke-width="2"' +
    ' stroke-linejoin="round"/><path d="M8 9h8M8 12h5" stroke="currentColor" stroke-width="2"' +
    ' stroke-linecap="round"/></svg>';

  /* The page being shown; replaced when Material swaps pages with instant loading. */
  var ui = null;
  var globalsBound = false;

  /* ---------------------------------------------------------------- discussion window */

  /* "before", "open" or "after": closes is inclusive, like the intake's rule (lawtrail.js). */
  function windowPhase(root) {
    return window.lawtrail.windowPhase(root.dataset.opens, root.dataset.closes, root.dataset.tz);
  }

  function uiLang() {
    return document.documentElement.lang || "en";
  }

  function timeElement(date) {
    var time = document.createElement("time");
    time.dateTime = date;
    time.textContent = date;
    return time;
  }

  /* A short line above the text: how to comment, or why one cannot right now. */
  function addNote(root, phase) {
    var note = document.createElement("p");
    note.className = "lt-comment-note lt-comment-note--" + phase;
    note.setAttribute("data-lt-ui", "");
    note.lang = uiLang();
    if (phase === "before") {
      note.appendChild(document.createTextNode("Comments are accepted from "));
      note.appendChild(timeElement(root.dataset.opens));
    } else if (phase === "after") {
      note.appendChild(document.createTextNode("The discussion closed on "));
      note.appendChild(timeElement(root.dataset.closes));
    } else {
      note.innerHTML = "To comment, use the <strong><span class=\"lt-comment-note__icon\">" + ICON +
        "</span>Comment</strong> button next to any article, paragraph or point, " +
        "or select words in the text. No account is needed.";
    }
    root.parentNode.insertBefore(note, root);
  }

  /* ---------------------------------------------------------------- naming elements */

  /* The builder writes each element's labels into the page (site_builder/ids.py): the full
     one, and where they differ, its own and the one that starts with it. The eId is never
     parsed here. */

  function isHeading(el) {
    return /^H[1-6]$/.test(el.tagName);
  }

  /* A paragraph or point holds its own text in a first <p>, then nested points. */
  function firstBlock(el) {
    var first = el.firstElementChild;
    return first && first.tagName === "P" ? first : null;
  }

  /* "Comment on paragraph 2 of Article 5" */
  function buttonName(el) {
    return "Comment on " + (el.dataset.ltLabelWithin || el.dataset.ltLabel);
  }

  /* "Article 5, paragraph 2" */
  function targetName(el) {
    return el.dataset.ltLabel;
  }

  /* "paragraph 2" */
  function ownName(el) {
    return el.dataset.ltLabelOwn || el.dataset.ltLabel;
  }

  /* ---------------------------------------------------------------- Comment buttons */

  function addButtons(root) {
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

  /* ---------------------------------------------------------------- element text and quotes */

  function inUI(node) {
    var el = node.nodeType === 1 ? node : node.parentElement;
    return !!(el && el.closest("[data-lt-ui]"));
  }

  /* The element's text as textContent gives it, minus what this script added, with where
     each text node starts in it. */
  function elementText(el) {
    var walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT, null);
    var pieces = [];
    var nodes = [];
    var length = 0;
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      if (inUI(node)) {
        continue;
      }
      nodes.push({ node: node, start: length });
      pieces.push(node.data);
      length += node.data.length;
    }
    return { text: pieces.join(""), nodes: nodes };
  }

  function structuralAncestor(node, root) {
    var el = node.nodeType === 1 ? node : node.parentElement;
    el = el && el.closest(".lt-el");
    return el && root.contains(el) ? el : null;
  }

  /* Text nodes holding selected, non-blank characters, with the selected part of each.
     Boundaries that sit between elements (a triple click ends at the start of the next
     block) select no characters and are ignored, so they cannot widen the target. */
  function selectedPieces(range, root) {
    var scope = range.commonAncestorContainer;
    if (scope.nodeType !== 1) {
      scope = scope.parentNode;
    }
    var pieces = [];
    var walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT, null);
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!range.intersectsNode(node) || inUI(node) || !root.contains(node)) {
        continue;
      }
      var start = node === range.startContainer ? range.startOffset : 0;
      var end = node === range.endContainer ? range.endOffset : node.data.length;
      if (/\S/.test(node.data.slice(start, end))) {
        pieces.push({ node: node, start: start, end: end });
      }
    }
    return pieces;
  }

  /* Do not cut a surrogate pair in half at the edge of a prefix or suffix. */
  function safePrefix(text, start) {
    var from = Math.max(0, start - QUOTE_CONTEXT);
    if (from > 0 && /[\uDC00-\uDFFF]/.test(text.charAt(from))) {
      from += 1;
    }
    return text.slice(from, start);
  }

  function safeSuffix(text, end) {
    var to = Math.min(text.length, end + QUOTE_CONTEXT);
    if (to < text.length && /[\uD800-\uDBFF]/.test(text.charAt(to - 1))) {
      to -= 1;
    }
    return text.slice(end, to);
  }

  /* The current selection as {el, quote: {exact, prefix, suffix}, range} for the innermost
     structural element holding all of it, or null. */
  function selectedQuote(root) {
    var selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) {
      return null;
    }
    var range = selection.getRangeAt(0);
    if (!root.contains(range.commonAncestorContainer) && range.commonAncestorContainer !== root) {
      return null;
    }
    var pieces = selectedPieces(range, root);
    if (!pieces.length) {
      return null;
    }
    var first = pieces[0];
    var last = pieces[pieces.length - 1];
    var el = structuralAncestor(first.node, root);
    while (el && !el.contains(last.node)) {
      el = structuralAncestor(el.parentElement, root);
    }
    if (!el) {
      return null;
    }
    var content = elementText(el);
    var start = -1;
    var end = -1;
    for (var i = 0; i < content.nodes.length; i++) {
      if (content.nodes[i].node === first.node) {
        start = content.nodes[i].start + first.start;
      }
      if (content.nodes[i].node === last.node) {
        end = content.nodes[i].start + last.end;
      }
    }
    if (start < 0 || end <= start) {
      return null;
    }
    // A double click takes the space after a word too; the quote is the words only.
    var text = content.text;
    while (start < end && /\s/.test(text.charAt(start))) { start++; }
    while (end > start && /\s/.test(text.charAt(end - 1))) { end--; }
    var quote = {
      exact: text.slice(start, end),
      prefix: safePrefix(text, start),
      suffix: safeSuffix(text, end)
    };
    return { el: el, quote: quote, range: rangeFromOffsets(content, start, end) };
  }

  /* A DOM Range over [start, end) of an element's text, for highlighting. */
  function rangeFromOffsets(content, start, end) {
    var range = document.createRange();
    var started = false;
    for (var i = 0; i < content.nodes.length; i++) {
      var item = content.nodes[i];
      var stop = item.start + item.node.data.length;
      if (!started && start < stop) {
        range.setStart(item.node, start - item.start);
        started = true;
      }
      if (started && end <= stop) {
        range.setEnd(item.node, end - item.start);
        return range;
      }
    }
    return null;
  }

  /* Find a saved quote again in the element's current text (prefix and suffix decide
     between repeats); null when the words are no longer there. */
  function findQuote(el, quote) {
    var content = elementText(el);
    var text = content.text;
    var best = -1;
    var bestScore = -1;
    for (var at = text.indexOf(quote.exact); at >= 0; at = text.indexOf(quote.exact, at + 1)) {
      var score = (quote.prefix && text.slice(0, at).slice(-quote.prefix.length) === quote.prefix ? 1 : 0) +
        (quote.suffix && text.substr(at + quote.exact.length, quote.suffix.length) === quote.suffix ? 1 : 0);
      if (score > bestScore) {
        best = at;
        bestScore = score;
      }
    }
    if (best < 0 || !quote.exact) {
      return null;
    }
    var end = best + quote.exact.length;
    return {
      quote: { exact: quote.exact, prefix: safePrefix(text, best), suffix: safeSuffix(text, end) },
      range: rangeFromOffsets(content, best, end)
    };
  }

  /* Mark the quoted words while the form is open, where the browser can (CSS Custom
     Highlight API); the selection itself goes away when focus moves into the form. */
  function highlight(range) {
    if (!window.CSS || !CSS.highlights || typeof window.Highlight !== "function") {
      return;
    }
    if (range) {
      CSS.highlights.set("lt-quote", new window.Highlight(range));
    } else {
      CSS.highlights.delete("lt-quote");
    }
  }

  /* ---------------------------------------------------------------- "Comment on this quote" */

  function buildOffer() {
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
    offer.lang = uiLang();
    offer.hidden = true;
    offer.innerHTML = ICON + "<span>Comment on this quote</span>";
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

  function hideOffer(restoreFocus) {
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

  function scheduleOffer(delay) {
    window.clearTimeout(ui && ui.offerTimer);
    if (ui) {
      ui.offerTimer = window.setTimeout(updateOffer, delay);
    }
  }

  /* ---------------------------------------------------------------- the form */

  function buildForm(root) {
    var template = document.getElementById("lt-comment-template");
    if (!template || !template.content) {
      return null;
    }
    var box = template.content.firstElementChild.cloneNode(true);
    box.hidden = true;
    box.lang = uiLang();
    root.parentNode.insertBefore(box, root.nextSibling);
    var form = box.querySelector("form");
    var parts = {
      box: box,
      form: form,
      targetName: box.querySelector(".lt-form-target__name"),
      quoteBox: box.querySelector(".lt-form-quote"),
      quoteText: box.querySelector(".lt-form-quote__text"),
      quoteRemove: box.querySelector(".lt-form-quote__remove"),
      status: box.querySelector(".lt-form-status"),
      counter: box.querySelector(".lt-counter"),
      counterLive: box.querySelector(".lt-counter-live"),
      submit: box.querySelector(".lt-form-submit"),
      success: box.querySelector(".lt-form-success"),
      fields: form.elements
    };
    form.addEventListener("input", onInput);
    form.addEventListener("change", onInput);
    form.addEventListener("submit", onSubmit);
    box.querySelector(".lt-form-cancel").addEventListener("click", function () { closeForm(); });
    box.querySelector(".lt-form-close").addEventListener("click", function () { closeForm(); });
    box.querySelector(".lt-form-quote__remove").addEventListener("click", removeQuote);
    return parts;
  }

  /* The form sits right after the element's own text: after a heading, or inside a
     paragraph after its Comment button (before its points). */
  function placeForm(el) {
    var box = ui.form.box;
    var button = ui.buttons[el.id];
    if (isHeading(el)) {
      el.insertAdjacentElement("afterend", box);
    } else if (button && button.parentNode === el) {
      button.insertAdjacentElement("afterend", box);
    } else {
      el.appendChild(box);
    }
  }

  var TEXT_FIELDS = ["body", "suggestion", "rationale"];
  var PERSON_FIELDS = ["name", "organization", "email"];

  function field(name) {
    return ui.form.fields.namedItem(name);
  }

  function value(name) {
    var input = field(name);
    return input ? input.value.trim() : "";
  }

  /* Open (or move) the form for an element; `found` carries a quote when words were
     selected. Text typed for this element earlier (even before a reload) comes back. */
  function openForm(el, found, opener) {
    if (!ui.form) {
      return;
    }
    hideOffer(false);
    var form = ui.form;
    var same = ui.target && ui.target.el === el && !form.box.hidden;
    var restored = false;
    if (ui.sending && !same) {
      return; // a comment is on its way: its answer must land in the form that sent it
    }
    if (!same) {
      var saved = loadDraft(el.id);
      resetForm();
      if (saved) {
        fillForm(saved);
        restored = hasText(saved);
      }
      ui.target = { el: el, quote: null, range: null };
      if (!found && saved && saved.quote) {
        found = findQuote(el, saved.quote);
      }
    }
    if (found) {
      ui.target.quote = found.quote;
      ui.target.range = found.range;
    }
    ui.opener = opener || ui.buttons[el.id] || null;

    placeForm(el);
    form.success.hidden = true;
    form.form.hidden = false;
    form.box.hidden = false;
    form.targetName.textContent = targetName(el);
    showQuote();
    markExpanded(el);
    updateCounter(false);
    if (!same) {
      clearErrors();
      setStatus(restored ? MESSAGES.restored : "", "info");
    }
    if (found) {
      saveDraft(); // keep the quote with whatever is typed for this element
    }

    reveal(el, field("body"));
  }

  /* Show the element's own text with the form under it, then put the cursor in the comment
     box; scroll only when needed, so a reader who clicked a visible button stays put. */
  function reveal(el, input) {
    var own = isHeading(el) ? el : (firstBlock(el) || el);
    var top = own.getBoundingClientRect().top;
    var header = document.querySelector(".md-header");
    var covered = header ? header.getBoundingClientRect().bottom : 0;
    if (top < covered || top > window.innerHeight * 0.6) {
      el.scrollIntoView({ block: "start" }); // .lt-el has a scroll-margin for the header
    }
    if (input.getBoundingClientRect().bottom > window.innerHeight) {
      input.scrollIntoView({ block: "nearest" });
    }
    input.focus({ preventScroll: true });
  }

  function closeForm() {
    if (!ui.form || ui.form.box.hidden) {
      return;
    }
    ui.form.box.hidden = true;
    highlight(null);
    markExpanded(null);
    var opener = ui.opener;
    if (!opener || !document.contains(opener)) {
      opener = ui.target && ui.buttons[ui.target.el.id];
    }
    ui.target = null;
    ui.opener = null;
    if (opener) {
      opener.focus();
    }
  }

  function markExpanded(el) {
    for (var eid in ui.buttons) {
      if (Object.prototype.hasOwnProperty.call(ui.buttons, eid)) {
        ui.buttons[eid].setAttribute("aria-expanded", el && el.id === eid ? "true" : "false");
      }
    }
    var marked = ui.root.querySelectorAll(".lt-el--commenting");
    for (var i = 0; i < marked.length; i++) {
      marked[i].classList.remove("lt-el--commenting");
    }
    if (el) {
      el.classList.add("lt-el--commenting");
    }
  }

  function showQuote() {
    var quote = ui.target.quote;
    ui.form.quoteBox.hidden = !quote;
    ui.form.quoteText.textContent = quote ? quote.exact : "";
    ui.form.quoteRemove.textContent = "Comment on the whole of " + ownName(ui.target.el) + " instead";
    highlight(quote ? ui.target.range : null);
  }

  function removeQuote() {
    ui.target.quote = null;
    ui.target.range = null;
    showQuote();
    saveDraft();
    field("body").focus();
  }

  function resetForm() {
    TEXT_FIELDS.forEach(function (name) { field(name).value = ""; });
    // Name, organisation and e-mail stay from the last comment: the same person goes on.
    field("consent").checked = false;
    field("website").value = "";
  }

  function fillForm(saved) {
    TEXT_FIELDS.concat(PERSON_FIELDS).forEach(function (name) {
      if (typeof saved[name] === "string" && saved[name]) {
        field(name).value = saved[name];
      }
    });
    field("consent").checked = saved.consent === true;
  }

  function hasText(saved) {
    return TEXT_FIELDS.some(function (name) { return !!(saved[name] && saved[name].trim()); });
  }

  /* Characters as the server counts them (code points, not UTF-16 units). */
  function length(text) {
    var surrogates = text.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g);
    return text.length - (surrogates ? surrogates.length : 0);
  }

  /* "4,870 characters left" / "12 characters too many"; read out a moment after typing stops. */
  function updateCounter(announce) {
    var left = MAX_BODY - length(field("body").value);
    var text = left >= 0
      ? left.toLocaleString("en") + (left === 1 ? " character left" : " characters left")
      : (-left).toLocaleString("en") + (left === -1 ? " character too many" : " characters too many");
    ui.form.counter.textContent = text;
    ui.form.counter.classList.toggle("lt-counter--over", left < 0);
    window.clearTimeout(ui.counterTimer);
    if (announce && left < 500) {
      ui.counterTimer = window.setTimeout(function () { ui.form.counterLive.textContent = text; }, 1000);
    }
  }

  function onInput(event) {
    if (event.target.name === "body") {
      updateCounter(true);
    }
    if (event.target.getAttribute("aria-invalid") === "true") {
      clearFieldError(event.target);
    }
    saveDraft();
  }

  /* ---------------------------------------------------------------- drafts in localStorage */

  function storeKey(eid) {
    return STORE_PREFIX + ui.draft + ":" + eid;
  }

  function loadDraft(eid) {
    try {
      var raw = window.localStorage.getItem(storeKey(eid));
      var saved = raw ? JSON.parse(raw) : null;
      return saved && typeof saved === "object" ? saved : null;
    } catch (err) {
      return null; // storage off or full: the form still works, only without the safety net
    }
  }

  /* Saved on every keystroke, so a closed tab, a crash or a failed send loses nothing. */
  function saveDraft() {
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

  function clearDraft(eid) {
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

  function markSavedDrafts() {
    for (var eid in ui.buttons) {
      if (Object.prototype.hasOwnProperty.call(ui.buttons, eid)) {
        var saved = loadDraft(eid);
        markDraft(eid, !!(saved && hasText(saved)));
      }
    }
  }

  /* ---------------------------------------------------------------- messages and field errors */

  function setStatus(text, kind) {
    var status = ui.form.status;
    status.textContent = text;
    status.className = "lt-form-status" + (text ? " lt-form-status--" + kind : "");
  }

  function errorFor(input) {
    return document.getElementById(input.id + "-error");
  }

  function setFieldError(input, message) {
    input.setAttribute("aria-invalid", "true");
    var error = errorFor(input);
    if (error) {
      error.textContent = message;
      error.hidden = false;
    }
  }

  function clearFieldError(input) {
    input.removeAttribute("aria-invalid");
    var error = errorFor(input);
    if (error) {
      error.textContent = "";
      error.hidden = true;
    }
  }

  function clearErrors() {
    var invalid = ui.form.form.querySelectorAll("[aria-invalid]");
    for (var i = 0; i < invalid.length; i++) {
      clearFieldError(invalid[i]);
    }
  }

  /* Check what the browser can check; returns the first field in error, or null. */
  function validate() {
    var errors = [];
    var body = field("body");
    var over = length(body.value) - MAX_BODY;
    if (!body.value.trim()) {
      errors.push([body, "Write your comment before sending."]);
    } else if (over > 0) {
      errors.push([body, "Your comment is " + over + (over === 1 ? " character" : " characters") +
        " over the limit of " + MAX_BODY + ". Please shorten it."]);
    }
    var email = field("email");
    if (email.value.trim() && !email.validity.valid) {
      errors.push([email, "Enter an e-mail address like name@example.org, or leave it empty."]);
    }
    var consent = field("consent");
    if (!consent.checked) {
      errors.push([consent, "Tick this box to send: comments are published with the draft."]);
    }
    errors.forEach(function (pair) { setFieldError(pair[0], pair[1]); });
    return errors.length ? errors[0][0] : null;
  }

  /* The server names fields by path ("comments[0].body", "contact.email"); map the ones the
     reader can fix to the form's inputs. */
  function inputForServerField(path) {
    if (!path) {
      return null;
    }
    var name = String(path).replace(/^comments\[\d+\]\./, "");
    var map = {
      "body": "body", "suggestion": "suggestion", "rationale": "rationale",
      "author.name": "name", "author.organization": "organization", "contact.email": "email"
    };
    return map[name] ? field(map[name]) : null;
  }

  /* ---------------------------------------------------------------- sending */

  /* The JSON the intake accepts; empty optional fields are left out entirely, because the
     server refuses fields it does not know and treats "" as a value. */
  function buildPayload() {
    var target = { eid: ui.target.el.id };
    if (ui.target.quote) {
      target.quote = {
        exact: ui.target.quote.exact,
        prefix: ui.target.quote.prefix,
        suffix: ui.target.quote.suffix
      };
    }
    var comment = { target: target, body: value("body") };
    if (value("suggestion")) { comment.suggestion = value("suggestion"); }
    if (value("rationale")) { comment.rationale = value("rationale"); }

    var payload = { draft: ui.draft, revision: ui.revision };
    var author = {};
    if (value("name")) { author.name = value("name"); }
    if (value("organization")) { author.organization = value("organization"); }
    if (author.name || author.organization) { payload.author = author; }
    if (value("email")) { payload.contact = { email: value("email") }; }
    payload.comments = [comment];
    payload.website = field("website").value; // the honeypot: empty unless a bot filled it
    return payload;
  }

  function intakeUrl() {
    return (ui.root.dataset.ltIntake || "").replace(/\/+$/, "");
  }

  function onSubmit(event) {
    event.preventDefault();
    if (ui.sending) {
      return;
    }
    clearErrors();
    var invalid = validate();
    if (invalid) {
      setStatus(MESSAGES.fixErrors, "error");
      invalid.focus();
      return;
    }
    send(buildPayload());
  }

  function setSending(on) {
    ui.sending = on;
    ui.form.form.setAttribute("aria-busy", on ? "true" : "false");
    // aria-disabled rather than disabled: a disabled button would drop keyboard focus.
    ui.form.submit.setAttribute("aria-disabled", on ? "true" : "false");
  }

  function send(payload) {
    setSending(true);
    setStatus(MESSAGES.sending, "info");
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    var timer = controller && window.setTimeout(function () { controller.abort(); }, REQUEST_TIMEOUT);
    var eid = ui.target.el.id;
    var current = ui;
    fetch(intakeUrl() + "/reviews", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(payload),
      credentials: "omit",
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      return response.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (err) { data = null; }
        return { status: response.status, data: data };
      });
    }).then(function (answer) {
      window.clearTimeout(timer);
      if (current !== ui) { return; } // the reader went to another page meanwhile
      setSending(false);
      if (answer.status === 201) {
        succeed(eid, answer.data || {});
      } else {
        fail(answer.status, answer.data);
      }
    }, function () {
      window.clearTimeout(timer);
      if (current !== ui) { return; }
      setSending(false);
      setStatus(MESSAGES.network, "error");
    });
  }

  /* An error answer: the text stays in the form (and in localStorage) whatever happens. */
  function fail(status, data) {
    var error = data && data.error ? data.error : {};
    if (status === 409) {
      setStatus(MESSAGES.closed, "error");
    } else if (status === 429) {
      setStatus(MESSAGES.tooMany, "error");
    } else if (status === 413) {
      setStatus(MESSAGES.tooLarge, "error");
      setFieldError(field("body"), "Too long for the comment service. Please shorten it.");
    } else if (status >= 400 && status < 500 && error.message) {
      var input = inputForServerField(error.field);
      var message = readableMessage(error, input);
      setStatus(message + (/[.!?]$/.test(message) ? " Your text is kept." : KEPT), "error");
      if (input) {
        setFieldError(input, message);
      }
    } else {
      setStatus(MESSAGES.server + " (Error " + status + ".)", "error");
    }
  }

  /* The server may start its message with the field's path ("contact.email: expected an
     e-mail address"); readers know the field by its label ("Contact e-mail: ..."). */
  function readableMessage(error, input) {
    var message = String(error.message);
    var path = error.field ? String(error.field) + ": " : "";
    if (path && message.indexOf(path) === 0) {
      message = message.slice(path.length);
      var label = input && ui.form.form.querySelector("label[for='" + input.id + "']");
      var name = label && label.firstChild ? label.firstChild.textContent.trim() : "";
      if (name) {
        message = name + ": " + message;
      }
    }
    return message;
  }

  function succeed(eid, data) {
    clearDraft(eid);
    resetForm();
    highlight(null);
    var form = ui.form;
    var tracking = form.success.querySelector(".lt-tracking");
    tracking.textContent = data.id || "";
    var follow = form.success.querySelector(".lt-form-success__follow");
    if (data.status_url) {
      // status_url may be relative to the intake, which can live on another host.
      follow.href = new URL(data.status_url, new URL(intakeUrl() + "/", window.location.href)).href;
      follow.parentNode.hidden = false;
    } else {
      follow.parentNode.hidden = true;
    }
    form.form.hidden = true;
    form.success.hidden = false;
    form.box.hidden = false; // also when the reader pressed Cancel while it was sending
    setStatus("", "info");
    form.success.querySelector(".lt-form-success__title").focus();
  }

  /* ---------------------------------------------------------------- keyboard and selection */

  function onKeydown(event) {
    if (!ui || !ui.open) {
      return;
    }
    var offerShown = ui.offer && !ui.offer.hidden;
    if (event.key === "Escape") {
      if (offerShown) {
        hideOffer(true);
        event.preventDefault();
      } else if (ui.form && !ui.form.box.hidden && ui.form.box.contains(document.activeElement)) {
        event.preventDefault();
        closeForm();
      }
      return;
    }
    // After selecting words with Shift+arrows, Tab goes to the offer first, wherever the
    // offer sits in the page's tab order.
    if (event.key === "Tab" && !event.shiftKey && !event.altKey && !event.ctrlKey && !event.metaKey &&
        offerShown && document.activeElement !== ui.offer && !inForm(document.activeElement)) {
      event.preventDefault();
      ui.beforeOffer = document.activeElement;
      ui.offer.focus();
    }
  }

  function inForm(el) {
    return !!(el && ui.form && ui.form.box.contains(el));
  }

  function bindGlobals() {
    if (globalsBound) {
      return;
    }
    globalsBound = true;
    document.addEventListener("keydown", onKeydown, true);
    document.addEventListener("selectionchange", function () { scheduleOffer(150); });
    // Wait for the mouse button (or finger) to come up before offering: no button jumping
    // around under the pointer while the reader is still selecting.
    document.addEventListener("pointerdown", function (event) {
      if (ui && !(ui.offer && ui.offer.contains(event.target))) {
        ui.pointerDown = true;
      }
    }, true);
    var release = function () {
      if (ui) {
        ui.pointerDown = false;
        scheduleOffer(20);
      }
    };
    document.addEventListener("pointerup", release, true);
    document.addEventListener("pointercancel", release, true);
    window.addEventListener("resize", function () { hideOffer(false); });
  }

  /* ---------------------------------------------------------------- start */

  function start() {
    var root = document.querySelector(".lt-text[data-lt-intake]");
    if (!root) {
      ui = null; // a page without commenting (or a draft not in discussion)
      return;
    }
    if (root.hasAttribute("data-lt-comments")) {
      return; // this page is set up already
    }
    root.setAttribute("data-lt-comments", "");
    MAX_BODY = Number(root.dataset.ltMaxBody);
    var phase = windowPhase(root);
    ui = {
      root: root,
      draft: root.dataset.ltDraft,
      revision: root.dataset.ltRevision,
      open: phase === "open",
      buttons: {},
      form: null,
      offer: null,
      target: null
    };
    addNote(root, phase);
    if (!ui.open) {
      return; // no buttons, no form: the note above the text says when commenting is possible
    }
    ui.form = buildForm(root);
    if (!ui.form) {
      return; // the page has no form template: leave the text as it is
    }
    root.classList.add("lt-text--commentable");
    addButtons(root);
    markSavedDrafts();
    ui.offer = buildOffer();
    bindGlobals();
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(start);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
