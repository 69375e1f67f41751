/* Search suggestions: the WAI-ARIA 1.2 combobox pattern (list autocomplete) on every search box
   marked data-autocomplete. Without this file the boxes are plain GET search forms.

   Typing asks /api/search/suggest/?q= (debounced; a newer request cancels an older one) and
   lists the titles it answers. Down/Up move through the list (wrapping), Enter opens the chosen
   page, Escape closes the list (and, when it is closed, clears the box), Alt+Down opens it, a
   click or tap on a title opens that page. Enter without a chosen title submits the search. A
   polite live region says how many suggestions there are. */
(function () {
  "use strict";
  var DEBOUNCE_MS = 200;
  var MIN_LENGTH = 2;
  var LIMIT = 8;

  function setUp(input) {
    var url = input.getAttribute("data-autocomplete");
    if (!url || input.getAttribute("role") === "combobox") return;
    var listId = (input.id || "search") + "-suggestions";
    var form = input.form;
    var container = input.parentNode;
    container.classList.add("autocomplete");

    var list = document.createElement("ul");
    list.id = listId;
    list.className = "autocomplete__list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.getAttribute("data-autocomplete-label") || "");
    list.hidden = true;
    container.appendChild(list);

    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    status.setAttribute("aria-atomic", "true");
    container.appendChild(status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("autocomplete", "off");

    var suggestions = [];
    var active = -1;
    var timer = null;
    var controller = null;
    var lastAsked = "";

    function announce(count) {
      var text;
      if (count === 0) {
        text = input.getAttribute("data-autocomplete-none") || "";
      } else if (count === 1) {
        text = input.getAttribute("data-autocomplete-one") || "";
      } else {
        text = (input.getAttribute("data-autocomplete-many") || "").replace("{count}", count);
      }
      status.textContent = text;
    }

    function setActive(index) {
      var options = list.querySelectorAll("[role=option]");
      active = index;
      Array.prototype.forEach.call(options, function (option, n) {
        var selected = n === index;
        option.setAttribute("aria-selected", selected ? "true" : "false");
        if (selected && option.scrollIntoView) option.scrollIntoView({ block: "nearest" });
      });
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function open() {
      if (!suggestions.length) return;
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      setActive(-1);
    }

    function render(items) {
      suggestions = items;
      list.textContent = "";
      items.forEach(function (item, n) {
        var option = document.createElement("li");
        option.id = listId + "-" + n;
        option.className = "autocomplete__option";
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        var title = document.createElement("span");
        title.className = "autocomplete__title";
        title.textContent = item.title;
        option.appendChild(title);
        if (item.kind_label) {
          var kind = document.createElement("span");
          kind.className = "autocomplete__kind";
          kind.textContent = item.kind_label;
          option.appendChild(kind);
        }
        // mousedown would take the focus from the box (and close the list) before the click.
        option.addEventListener("mousedown", function (event) { event.preventDefault(); });
        option.addEventListener("click", function () { choose(n); });
        list.appendChild(option);
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (items.length && document.activeElement === input) {
        open();
      } else {
        close();
      }
      announce(items.length);
    }

    function choose(index) {
      var item = suggestions[index];
      if (!item) return;
      input.value = item.title;
      close();
      if (item.url) {
        window.location.assign(item.url);
      } else if (form) {
        form.submit();
      }
    }

    function ask() {
      var text = input.value.trim();
      if (text === lastAsked) {
        open();
        return;
      }
      lastAsked = text;
      if (controller) controller.abort();
      if (text.length < MIN_LENGTH) {
        controller = null;
        suggestions = [];
        list.textContent = "";
        close();
        status.textContent = "";
        return;
      }
      controller = typeof AbortController === "function" ? new AbortController() : null;
      var address = url + "?q=" + encodeURIComponent(text) + "&limit=" + LIMIT;
      fetch(address, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        signal: controller ? controller.signal : undefined,
      })
        .then(function (response) {
          if (!response.ok) throw new Error("suggest " + response.status);
          return response.json();
        })
        .then(function (data) {
          // An answer to an older text (the box changed meanwhile) is dropped.
          if (input.value.trim() !== text) return;
          render(Array.isArray(data.suggestions) ? data.suggestions : []);
        })
        .catch(function (error) {
          if (error && error.name === "AbortError") return;
          lastAsked = ""; // ask again on the next key; the form still works meanwhile
          render([]);
          status.textContent = "";
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, DEBOUNCE_MS);
    });

    input.addEventListener("keydown", function (event) {
      var expanded = !list.hidden;
      switch (event.key) {
        case "ArrowDown":
          if (event.altKey) {
            open();
          } else if (suggestions.length) {
            open();
            setActive(active + 1 >= suggestions.length ? 0 : active + 1);
          } else {
            return;
          }
          event.preventDefault();
          break;
        case "ArrowUp":
          if (!suggestions.length) return;
          open();
          setActive(active <= 0 ? suggestions.length - 1 : active - 1);
          event.preventDefault();
          break;
        case "Enter":
          if (expanded && active >= 0) {
            event.preventDefault();
            choose(active);
          }
          break; // otherwise the form submits the search as typed
        case "Escape":
          if (expanded) {
            close();
          } else if (input.value) {
            input.value = "";
            lastAsked = "";
            suggestions = [];
            list.textContent = "";
          } else {
            return;
          }
          event.preventDefault();
          break;
        case "Home":
        case "End":
        case "ArrowLeft":
        case "ArrowRight":
          // Moving the caret returns to editing the text.
          if (active >= 0) setActive(-1);
          break;
        default:
          break;
      }
    });

    input.addEventListener("blur", function () { close(); });
    input.addEventListener("focus", function () {
      if (suggestions.length && input.value.trim() === lastAsked) open();
    });
  }

  function setUpAll() {
    var inputs = document.querySelectorAll("input[data-autocomplete]");
    Array.prototype.forEach.call(inputs, setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
})();
