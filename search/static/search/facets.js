/* Long facets (components/facets.html): a box that narrows a facet's values as the visitor
   types, also among the values folded behind "Show all". Without this file the box stays
   hidden and the lists and their "Show all" disclosure work as they are. */
(function () {
  "use strict";

  // Case and accents do not matter: "aland" finds "Åland", "cote" finds "Côte d'Ivoire".
  function fold(text) {
    var lower = text.toLocaleLowerCase();
    if (lower.normalize) lower = lower.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
    return lower.trim();
  }

  function setUpFacet(facet) {
    var box = facet.querySelector("[data-facet-filter]");
    var input = box && box.querySelector("input");
    if (!input) return;
    var more = facet.querySelector("[data-facet-more]");
    var status = box.querySelector("[data-facet-filter-status]");
    var noMatch = facet.querySelector("[data-facet-no-match]");
    var items = Array.prototype.slice.call(facet.querySelectorAll("[data-facet-value]"));
    var filtering = false;
    var wasOpen = false;

    function apply() {
      var text = fold(input.value);
      var shown = 0;
      items.forEach(function (item) {
        var match = !text || fold(item.getAttribute("data-facet-value")).indexOf(text) !== -1;
        item.hidden = !match;
        if (match) shown += 1;
      });
      // While filtering, the folded values are searched too; afterwards the fold is restored.
      if (more && text && !filtering) {
        wasOpen = more.open;
        more.open = true;
      } else if (more && !text && filtering) {
        more.open = wasOpen;
      }
      filtering = Boolean(text);
      if (noMatch) noMatch.hidden = shown > 0;
      if (status) {
        status.textContent = text
          ? status.getAttribute("data-template").replace("{count}", shown).replace("{total}", items.length)
          : "";
      }
    }

    box.hidden = false;
    input.addEventListener("input", apply);
    // The box filters as one types: Enter must not submit a form around the panel.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault();
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-facet-long]"), setUpFacet);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
