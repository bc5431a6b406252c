/* docassemble.psobrief: small accessibility repairs to docassemble's own markup.
 * docassemble 1.10 marks required radio and checkbox groups as role="group" with
 * aria-required, which ARIA does not allow on a group (axe: aria-allowed-attr).
 * A group of radio buttons is a radiogroup, where aria-required is allowed; for
 * other groups the attribute is dropped (the fields themselves carry "required").
 * docassemble's notification box (its "alert html" setting) has a close button labelled
 * "Close" in English whatever the language: it is labelled "Sluiten".
 * Keyboard and screen-reader repairs (see docs/reviews, keyboard-accessibility):
 * - every screen gets its own page title, "Fout: " in front while it shows an error;
 * - after a screen comes back with an error from the server, focus goes to the first
 *   field in error and its message is announced (role="alert");
 * - Escape closes an open help popover;
 * - the "Wijzigen" and "Verwijderen" buttons say what they change.
 * It runs on every screen, including one redrawn after a validation error. */
(function () {
  function repairGroups() {
    document.querySelectorAll('[role="group"][aria-required]').forEach(function (group) {
      if (group.querySelector('input[type="radio"]')) {
        group.setAttribute("role", "radiogroup");
      } else {
        group.removeAttribute("aria-required");
      }
    });
  }
  function labelCloseButtons() {
    document.querySelectorAll('.btn-close[aria-label="Close"]').forEach(function (button) {
      button.setAttribute("aria-label", "Sluiten");
    });
  }
  var APP = "PSO-stimuleringsbrief";
  var seenHeadings = new WeakSet();
  function visibleErrors() {
    return Array.prototype.filter.call(document.querySelectorAll(".da-has-error"), function (el) {
      return el.offsetParent !== null && el.textContent.trim() !== "";
    });
  }
  function setTitle() {
    var heading = document.getElementById("daMainQuestion");
    if (!heading) { return; }
    var title = heading.textContent.trim() + " - " + APP;
    if (visibleErrors().length) { title = "Fout: " + title; }
    if (document.title !== title) { document.title = title; }
  }
  function focusServerErrors() {
    var errors = visibleErrors();
    if (!errors.length) { return; }
    errors.forEach(function (el) { el.setAttribute("role", "alert"); });
    var field = document.querySelector('#daform [aria-invalid="true"]');
    if (field && typeof field.focus === "function") { field.focus(); }
    setTitle();
  }
  function newScreen() {
    var heading = document.getElementById("daMainQuestion");
    if (!heading || seenHeadings.has(heading)) { return; }
    seenHeadings.add(heading);
    // docassemble draws the server's messages just after the screen is drawn
    setTimeout(focusServerErrors, 400);
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
      row.querySelectorAll("a.btn-darevisit").forEach(function (button) {
        if (!button.hasAttribute("aria-label")) {
          button.setAttribute("aria-label", button.textContent.trim() + ": " + first.textContent.trim());
        }
      });
    });
  }
  function repair() {
    repairGroups();
    labelCloseButtons();
    nameButtons();
    newScreen();
    setTitle();
  }
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !window.bootstrap || !bootstrap.Popover) { return; }
    document.querySelectorAll('[aria-describedby^="popover"]').forEach(function (el) {
      var popover = bootstrap.Popover.getInstance(el);
      if (popover) { popover.hide(); }
    });
  });
  function start() {
    repair();
    new MutationObserver(repair).observe(document.body, { childList: true, subtree: true });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
