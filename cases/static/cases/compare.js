/* Case library: a compare tray across pages. Without this file the compare checkboxes still
   work through the GET form, for the cases on the current page. */
(function () {
  "use strict";
  var KEY = "kokeilu.compare";
  var form = document.querySelector("[data-compare-form]");
  if (!form) return;
  var max = parseInt(form.getAttribute("data-compare-max"), 10) || 3;
  var status = form.querySelector("[data-compare-status]");
  var boxes = Array.prototype.slice.call(form.querySelectorAll("[data-compare-checkbox]"));

  function load() {
    try {
      var stored = JSON.parse(window.sessionStorage.getItem(KEY) || "[]");
      return Array.isArray(stored) ? stored : [];
    } catch (error) {
      return [];
    }
  }
  function save(items) {
    try { window.sessionStorage.setItem(KEY, JSON.stringify(items)); } catch (error) { /* private mode */ }
  }
  function titleOf(box) {
    var card = box.closest("article");
    var link = card && card.querySelector(".card__title a");
    return link ? link.textContent.trim() : box.value;
  }

  var selected = load();
  function render() {
    var ids = selected.map(function (item) { return item.id; });
    boxes.forEach(function (box) {
      box.checked = ids.indexOf(box.value) !== -1;
      box.disabled = !box.checked && ids.length >= max;
    });
    if (!status) return;
    if (!ids.length) {
      status.textContent = status.getAttribute("data-initial") || status.textContent;
      return;
    }
    status.textContent = ids.length + " / " + max + ": " +
      selected.map(function (item) { return item.title; }).join(", ");
  }
  if (status) status.setAttribute("data-initial", status.textContent);

  boxes.forEach(function (box) {
    box.addEventListener("change", function () {
      selected = selected.filter(function (item) { return item.id !== box.value; });
      if (box.checked && selected.length < max) selected.push({ id: box.value, title: titleOf(box) });
      save(selected);
      render();
    });
  });

  form.addEventListener("submit", function () {
    // cases ticked on other pages of the library travel with the form
    var onPage = boxes.map(function (box) { return box.value; });
    selected.forEach(function (item) {
      if (onPage.indexOf(item.id) !== -1) return;
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = "case";
      input.value = item.id;
      form.appendChild(input);
    });
    save([]);
  });

  render();
})();
