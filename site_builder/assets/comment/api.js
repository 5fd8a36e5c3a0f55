/* Lawtrail comment widget: checking and sending a comment to the intake, and its answer.
 *
 * The JSON is the intake's contract (POST /reviews); field errors from the server are
 * shown on the inputs the reader can fix.
 */

import { field, length, resetForm, value } from "./form.js";
import { highlight } from "./quote.js";
import { quoteError } from "./quoting.js";
import { n, t } from "./i18n.js";
import { KEPT, MESSAGES, ui } from "./state.js";
import { clearDraft } from "./storage.js";


/* ---------------------------------------------------------------- messages and field errors */

export function setStatus(text, kind) {
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

export function clearFieldError(input) {
  input.removeAttribute("aria-invalid");
  var error = errorFor(input);
  if (error) {
    error.textContent = "";
    error.hidden = true;
  }
}

export function clearErrors() {
  var invalid = ui.form.form.querySelectorAll("[aria-invalid]");
  for (var i = 0; i < invalid.length; i++) {
    clearFieldError(invalid[i]);
  }
}

/* Check what the browser can check; returns the first field in error, or null. */
function validate() {
  var errors = [];
  var quote = quoteError();
  if (quote) {
    errors.push([field("quote"), quote]); // never sent: the server would refuse it too
  }
  var body = field("body");
  var over = length(body.value) - ui.maxBody;
  if (!body.value.trim()) {
    errors.push([body, t("Write your comment before sending.")]);
  } else if (over > 0) {
    errors.push([body, n("Your comment is %(count)d character over the limit of %(limit)d. Please shorten it.",
      "Your comment is %(count)d characters over the limit of %(limit)d. Please shorten it.",
      over, { limit: ui.maxBody })]);
  }
  var email = field("email");
  if (email.value.trim() && !email.validity.valid) {
    errors.push([email, t("Enter an e-mail address like name@example.org, or leave it empty.")]);
  }
  var consent = field("consent");
  if (!consent.checked) {
    errors.push([consent, t("Tick this box to send: comments are published with the draft.")]);
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
    "body": "body", "suggestion": "suggestion", "rationale": "rationale", "target.quote.exact": "quote",
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
  if (ui.language) { payload.language = ui.language; } // a parallel language version's page
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

export function onSubmit(event) {
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
  var eid = ui.target.el.id;
  var current = ui;
  window.lawtrail.ask(intakeUrl() + "/reviews", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(payload)
  }).then(function (answer) {
    if (current !== ui) { return; } // the reader went to another page meanwhile
    setSending(false);
    if (answer.status === 201) {
      succeed(eid, answer.data || {});
    } else {
      fail(answer.status, answer.data);
    }
  }, function () {
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
    setFieldError(field("body"), t("Too long for the comment service. Please shorten it."));
  } else if (status >= 400 && status < 500 && error.message) {
    var input = inputForServerField(error.field);
    var message = readableMessage(error, input);
    setStatus(message + (/[.!?]$/.test(message) ? " " : ". ") + KEPT, "error");
    if (input) {
      setFieldError(input, message);
    }
  } else {
    setStatus(MESSAGES.server + " " + t("(Error %(status)s.)", { status: status }), "error");
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
  if (data.id) {
    // The site's tracking page, with the number filled in (its address is the page's).
    var track = new URL(follow.getAttribute("href"), window.location.href);
    track.searchParams.set("id", data.id);
    follow.href = track.href;
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
