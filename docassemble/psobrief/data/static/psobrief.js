/* docassemble.psobrief: small accessibility repairs to docassemble's own markup.
 * docassemble 1.10 marks required radio and checkbox groups as role="group" with
 * aria-required, which ARIA does not allow on a group (axe: aria-allowed-attr).
 * A group of radio buttons is a radiogroup, where aria-required is allowed; for
 * other groups the attribute is dropped (the fields themselves carry "required").
 * docassemble's notification box (its "alert html" setting) has a close button labelled
 * "Close" in English whatever the language: it is labelled "Sluiten".
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
  function repair() {
    repairGroups();
    labelCloseButtons();
  }
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
