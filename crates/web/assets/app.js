// kaoping — the app's only script (loaded with `defer`, after htmx).
// The CSP forbids inline scripts and eval, so all behaviour lives here.
(function () {
  "use strict";

  if (window.htmx) {
    htmx.config.includeIndicatorStyles = false; // app.css has them
    htmx.config.allowEval = false;
    htmx.config.allowScriptTags = false;
  }

  // The navigation is collapsed on phones; on wider screens show it open.
  var nav = document.querySelector("details.navtoggle");
  if (nav && window.matchMedia && window.matchMedia("(min-width: 900px)").matches) {
    nav.open = true;
  }

  // Language switch: submit on change; its button stays for no-JS use.
  document.addEventListener("change", function (e) {
    var select = e.target;
    if (select.matches && select.matches("form.lang-switch select") && select.form) {
      if (select.form.requestSubmit) select.form.requestSubmit();
      else select.form.submit();
    }
  });

  // [data-confirm] on a form or on its submit button: ask before submitting.
  document.addEventListener(
    "submit",
    function (e) {
      var form = e.target;
      var button = e.submitter;
      var el =
        button && button.hasAttribute("data-confirm") ? button
        : form.hasAttribute("data-confirm") ? form
        : null;
      if (el && !window.confirm(el.getAttribute("data-confirm"))) {
        e.preventDefault();
        e.stopImmediatePropagation();
      }
    },
    true
  );

  // [data-autofocus]: focus the first one on the page.
  function autofocus() {
    var el = document.querySelector("[data-autofocus]");
    if (el) el.focus();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", autofocus);
  else autofocus();
})();
