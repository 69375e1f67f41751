/* Kokeilu: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Mobile navigation: the list is always in the HTML; the button only shows and hides it.
  function setUpNavToggle() {
    var button = document.querySelector("[data-nav-toggle]");
    if (!button) return;
    var target = document.getElementById(button.getAttribute("aria-controls"));
    if (!target) return;
    button.hidden = false;
    button.setAttribute("aria-expanded", "false");
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") === "true";
      button.setAttribute("aria-expanded", open ? "false" : "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        button.setAttribute("aria-expanded", "false");
        button.focus();
      }
    });
  }

  // Forms marked data-auto-submit submit when a control changes; their submit button stays
  // visible for people without JavaScript and for those who prefer to confirm.
  function setUpAutoSubmit() {
    var forms = document.querySelectorAll("form[data-auto-submit]");
    Array.prototype.forEach.call(forms, function (form) {
      form.addEventListener("change", function (event) {
        if (event.target && event.target.matches("select, input[type=checkbox], input[type=radio]")) {
          if (typeof form.requestSubmit === "function") {
            form.requestSubmit();
          } else {
            form.submit();
          }
        }
      });
    });
  }

  // Following a skip link moves keyboard focus to its target, also in browsers that only scroll.
  function setUpSkipLink() {
    var links = document.querySelectorAll(".skip-link");
    Array.prototype.forEach.call(links, function (link) {
      link.addEventListener("click", function () {
        var target = document.getElementById(link.getAttribute("href").slice(1));
        if (target) target.focus();
      });
    });
  }

  // A page opened at a focusable target (a filter or the navigator lands on #results, with
  // tabindex="-1") gets keyboard focus there: the next Tab reaches the first result, and a
  // screen reader starts reading at the results heading.
  function focusFragmentTarget() {
    var id;
    try {
      id = decodeURIComponent(window.location.hash.slice(1));
    } catch (error) {
      return; // a malformed fragment names nothing
    }
    var target = id && document.getElementById(id);
    if (target && target.getAttribute("tabindex") === "-1" && document.activeElement !== target) {
      target.focus();
    }
  }

  // Search filters: open for everyone without JavaScript and on wide screens; folded on small
  // screens so that the results come first, with a summary button that opens them.
  function setUpFacetsPanel() {
    var panel = document.querySelector("[data-facets-panel]");
    if (!panel || !window.matchMedia) return;
    var narrow = window.matchMedia("(max-width: 55.99rem)");
    function apply() {
      panel.open = !narrow.matches;
    }
    apply();
    if (narrow.addEventListener) narrow.addEventListener("change", apply);
  }

  function init() {
    setUpNavToggle();
    setUpFacetsPanel();
    setUpAutoSubmit();
    setUpSkipLink();
    focusFragmentTarget();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
