/* docassemble.psobrief: accessibility repairs to docassemble's own markup and behaviour
 * (see the keyboard review in the README's accessibility section). It runs on every screen,
 * including one redrawn after a validation error.
 * - docassemble 1.10 marks required radio and checkbox groups as role="group" with
 *   aria-required, which ARIA does not allow on a group (axe: aria-allowed-attr). A group of
 *   radio buttons is a radiogroup, where aria-required is allowed; for other groups the
 *   attribute is dropped (the fields themselves carry "required"). A question asked with
 *   `field:` and `choices:` draws its radio buttons without any group: they become a
 *   radiogroup named by the question.
 * - The notification box's close button is labelled "Sluiten" (docassemble says "Close").
 * - File uploads can be reached with Tab (docassemble draws them with tabindex="-1").
 * - Every screen has its own page title, "Fout: " in front while it shows an error.
 * - A message from the server (a `validate:` or `validation code` refusal) stays while the
 *   value it refused is unchanged: docassemble checks the field again in the browser when it
 *   loses focus, finds nothing wrong and used to hide the message. The first field in error
 *   gets the focus once docassemble has put the focus on the first field, and the message is
 *   announced (role="alert").
 * - Escape closes an open help popover.
 * - The "Wijzigen" and "Verwijderen" buttons say what they change. */
(function () {
  var APP = "PSO-stimuleringsbrief";

  function repairGroups() {
    document.querySelectorAll('[role="group"][aria-required]').forEach(function (group) {
      if (group.querySelector('input[type="radio"]')) {
        group.setAttribute("role", "radiogroup");
      } else {
        group.removeAttribute("aria-required");
      }
    });
    document.querySelectorAll("#daform .da-field-group.da-field-radio:not([role])").forEach(function (group) {
      if (group.querySelector('input[type="radio"]') && document.getElementById("daMainQuestion")) {
        group.setAttribute("role", "radiogroup");
        group.setAttribute("aria-labelledby", "daMainQuestion");
      }
    });
  }
  function labelCloseButtons() {
    document.querySelectorAll('.btn-close[aria-label="Close"]').forEach(function (button) {
      button.setAttribute("aria-label", "Sluiten");
    });
  }
  function reachableUploads() {
    document.querySelectorAll('input[type="file"][tabindex="-1"]').forEach(function (input) {
      input.removeAttribute("tabindex");
    });
  }
  function visibleErrors() {
    return Array.prototype.filter.call(document.querySelectorAll("#daform .da-has-error"), function (el) {
      return el.offsetParent !== null && el.textContent.trim() !== "";
    });
  }
  function setTitle() {
    var heading = document.getElementById("daMainQuestion");
    if (!heading) { return; }
    var title = heading.textContent.replace(/\s+/g, " ").trim() + " - " + APP;
    if (visibleErrors().length) { title = "Fout: " + title; }
    if (document.title !== title) { document.title = title; }
  }
  function nameButtons() {
    document.querySelectorAll(".da-review").forEach(function (row) {
      var title = row.querySelector("strong");
      var button = row.querySelector(".da-review-action");
      if (title && button && !button.hasAttribute("aria-label")) {
        button.setAttribute("aria-label", button.textContent.trim() + ": " + title.textContent.trim());
      }
    });
    document.querySelectorAll("table tr").forEach(function (row) {
      var first = row.querySelector("td");
      if (!first) { return; }
      row.querySelectorAll("a.btn-darevisit, a.btn, button.btn").forEach(function (button) {
        if (!button.hasAttribute("aria-label") && button.textContent.trim()) {
          button.setAttribute("aria-label", button.textContent.trim() + ": " + first.textContent.trim());
        }
      });
    });
  }

  /* Server messages: kept while the refused value stays, focused and announced. They do not
   * block sending the form again: the fix can be in another field (a postcode refused for a
   * Dutch address is fine once "buitenland" is chosen), and the server judges again. */
  var refused = {};
  function showAgain(field) {
    var $ = window.jQuery;
    var entry = refused[field.name];
    if (!$ || !entry || !window.daValidator || String(field.value).trim() !== entry.value) { return; }
    var message = {};
    message[field.name] = entry.message;
    window.daValidator.showErrors(message);
    field.setAttribute("aria-invalid", "true");
    var error = document.getElementById(field.id + "-error");
    if (error) { error.setAttribute("role", "alert"); }
  }
  function keepServerMessages(messages) {
    refused = {};
    if (!messages) { return; }
    var first = null;
    Object.keys(messages).forEach(function (name) {
      var field = document.getElementsByName(name)[0];
      if (!field || ["radio", "checkbox", "file", "hidden"].indexOf(field.type) >= 0) { return; }
      refused[name] = { value: String(field.value).trim(), message: messages[name] };
      if (!first) { first = field; }
    });
    document.querySelectorAll("#daform .da-has-error").forEach(function (el) {
      if (el.textContent.trim()) { el.setAttribute("role", "alert"); }
    });
    setTitle();
    if (first) {
      // docassemble puts the focus on the first field 15 ms after it draws the screen; move
      // it to the field in error after that, unless the person has already typed, clicked or
      // moved the focus somewhere else (never take the focus away from someone typing)
      var acted = false;
      var mark = function () { acted = true; };
      ["keydown", "pointerdown", "input"].forEach(function (type) {
        document.addEventListener(type, mark, { capture: true, once: true });
      });
      setTimeout(function () {
        ["keydown", "pointerdown", "input"].forEach(function (type) {
          document.removeEventListener(type, mark, { capture: true });
        });
        var active = document.activeElement;
        var autofocused = Array.prototype.filter.call(
          document.querySelectorAll("#daform input, #daform textarea, #daform select"),
          function (el) { return el.type !== "hidden" && el.offsetParent !== null; })[0];
        var untouched = !active || active === document.body || active === autofocused ||
          active.id === "daMainQuestion";
        if (!acted && untouched && document.body.contains(first)) { first.focus(); }
      }, 150);
    }
  }
  document.addEventListener("focusout", function (event) {
    var field = event.target;
    if (field && field.name && refused[field.name]) {
      // after docassemble's own check of the field, which hides the message
      setTimeout(function () { showAgain(field); }, 0);
    }
  });
  function wrapValidation() {
    var original = window.daSetupValidation;
    if (typeof original !== "function" || original.psobrief) { return; }
    var wrapped = function (rules, messages) {
      original(rules, messages);
      keepServerMessages(messages);
    };
    wrapped.psobrief = true;
    window.daSetupValidation = wrapped;
  }

  function repair() {
    repairGroups();
    labelCloseButtons();
    reachableUploads();
    nameButtons();
    setTitle();
  }
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !window.bootstrap || !window.bootstrap.Popover) { return; }
    document.querySelectorAll('[aria-describedby^="popover"]').forEach(function (el) {
      var popover = window.bootstrap.Popover.getInstance(el);
      if (popover) { popover.hide(); }
    });
  });
  /* "Link kopiëren" on the download screen: copy the share link and say so (a delegated
   * handler: docassemble draws screens again without loading the page). */
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("#psobrief-copy-button") : null;
    if (!button) { return; }
    var field = document.getElementById("psobrief-share-link");
    var status = document.getElementById("psobrief-copy-status");
    var done = function () {
      button.textContent = button.getAttribute("data-copied");
      if (status) { status.textContent = "De link is gekopieerd."; }
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done);
    } else {
      field.select();
      document.execCommand("copy");
      done();
    }
  });
  /* The download screen while the PDFs are made: ask the server (the interview's
   * psobrief_documents_status event, read-only: as docassemble's action_call does, but a
   * failed request, such as one made while the server restarts, is simply asked again two
   * seconds later instead of drawing docassemble's error screen) and put the finished
   * downloads in place, keeping the keyboard focus where it was and saying so to screen
   * readers. A part ended by a restart (or a failed task) draws the screen again: it starts
   * that part anew and says so. */
  var polling = null, asking = null, leaving = false;
  function askStatus(done) {
    var url = window.daJsEmbed ? window.daPostURL : window.daInterviewUrl;
    if (!url || typeof window.utoa !== "function" || typeof window.JSON_stringify !== "function") {
      if (typeof window.action_call === "function") {
        window.action_call("psobrief_documents_status", {}, done, false, true);
      }
      return;
    }
    var body = new URLSearchParams();
    body.set("_action", window.utoa(window.JSON_stringify({ action: "psobrief_documents_status", arguments: {} })));
    body.set("_readonly", "1");
    body.set("csrf_token", window.daCsrf || "");
    asking = typeof AbortController === "function" ? new AbortController() : null;
    fetch(url, { method: "POST", credentials: "include", body: body, headers: { "X-CSRFToken": window.daCsrf || "" },
                 signal: asking ? asking.signal : undefined })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(done, function () { done(null); });
  }
  /* Leaving the page (another session, a link): no more questions, and the one on its way is
   * dropped. docassemble keeps which session a browser is in on the server (its Flask
   * session, written back whole by every request): a question still being answered when the
   * next page starts a new session can put this session back, and the next click would go on
   * here. */
  window.addEventListener("beforeunload", function () {
    leaving = true;
    if (polling) { clearTimeout(polling); polling = null; }
    if (asking) { asking.abort(); }
    /* still here long after (the leaving was called off): ask again */
    setTimeout(function () { leaving = false; watchDownloads(); }, 10000);
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { leaving = false; watchDownloads(); }  /* back from the browser's cache */
  });
  /* How long to wait before asking again (ms): a short letter's PDFs are there within about a
   * second, so the first questions come quickly; a long list is asked every two seconds.
   * bench/bench_load.py asks on the same schedule (POLL_DELAYS). */
  var DELAYS = [300, 300, 400, 500, 500, 1000, 1000, 1000, 1000];
  var asked = 0, inFlight = false;
  function nextPoll() {
    if (leaving) { return; }
    polling = setTimeout(pollDownloads, asked < DELAYS.length ? DELAYS[asked] : 2000);
    asked += 1;
  }
  function pollDownloads() {
    polling = null;
    var region = document.getElementById("psobrief-downloads");
    if (!region || region.getAttribute("data-pending") !== "1") { return; }
    inFlight = true;
    askStatus(function (answer) {
      inFlight = false;
      asking = null;
      if (leaving) { return; }
      if (!region.isConnected) { watchDownloads(); return; }
      if (!answer || !answer.state || answer.state === "bezig") { nextPoll(); return; }  /* asked again */
      if (answer.state === "klaar") {
        var focused = document.activeElement && region.contains(document.activeElement) ? document.activeElement : null;
        var href = focused ? focused.getAttribute("href") : null;
        region.outerHTML = answer.html;
        var mail = document.getElementById("psobrief-mail-section");
        if (mail && typeof answer.mail === "string") { mail.outerHTML = answer.mail; }
        var status = document.getElementById("psobrief-downloads-status");
        if (status) { status.textContent = "De PDF-bestanden zijn klaar."; }
        if (focused) {
          var again = document.getElementById("psobrief-downloads");
          var same = again ? Array.prototype.filter.call(again.querySelectorAll("a"), function (a) {
            return a.getAttribute("href") === href;
          })[0] : null;
          (same || again).focus();
        }
      } else if (answer.state !== "bezig") {
        window.location.reload();
      }
    });
  }
  function watchDownloads() {
    var region = document.getElementById("psobrief-downloads");
    if (region && region.getAttribute("data-pending") === "1" && !polling && !inFlight) {
      asked = 0;
      nextPoll();
    }
  }
  /* A file larger than the server can receive: docassemble would answer the whole form with
   * its own English error page (HTTP 413) and the typed answers would be lost. The screens
   * with a file field set window.psobriefUploadLimit (interview.upload_limit); such a file is
   * refused here, in Dutch, before anything is sent, and the field is emptied. */
  function megabytes(bytes, up) {
    var tenths = bytes / (1024 * 1024) * 10;
    return String((up ? Math.ceil(tenths) : Math.floor(tenths)) / 10).replace(".", ",");
  }
  document.addEventListener("change", function (event) {
    var input = event.target;
    var limit = window.psobriefUploadLimit;
    if (!input || input.type !== "file" || !input.files || !limit) { return; }
    var size = 0;
    for (var i = 0; i < input.files.length; i++) { size += input.files[i].size; }
    var id = (input.id || input.name) + "-psobrief-size";
    var old = document.getElementById(id);
    if (old) { old.parentNode.removeChild(old); }
    var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (part) {
      return part && part !== id;
    });
    if (size <= limit) {
      input.removeAttribute("aria-invalid");
      if (described.length) { input.setAttribute("aria-describedby", described.join(" ")); }
      else { input.removeAttribute("aria-describedby"); }
      return;
    }
    event.stopImmediatePropagation();
    input.value = "";
    var message = document.createElement("div");
    message.id = id;
    message.className = "invalid-feedback d-block psobrief-size-error";
    message.setAttribute("role", "alert");
    message.textContent = (input.multiple ? "Deze bestanden zijn samen " : "Dit bestand is ") + megabytes(size, true)
      + " MB. Het maximum is " + megabytes(limit, false) + " MB. Verklein het bestand en kies het opnieuw.";
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", described.concat([id]).join(" "));
    input.insertAdjacentElement("afterend", message);
  }, true);
  function start() {
    repair();
    watchDownloads();
    new MutationObserver(watchDownloads).observe(document.body, { childList: true, subtree: true });
    new MutationObserver(repair).observe(document.body, {
      childList: true, subtree: true, attributes: true, attributeFilter: ["style", "class"]
    });
  }
  wrapValidation();
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
