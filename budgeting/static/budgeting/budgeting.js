/* Participatory budgeting: a live counter on the ballot, announced by screen readers (the
   counter is a role=status region). The ballot works without this file: the server checks
   every limit when the form is sent. The texts come translated from the form's data-t-*.
   Also: the ballot-file page waits for the worker and then starts the download. */
(function () {
  "use strict";

  var lang = document.documentElement.lang || "en";

  /* Money as the page's language writes it, like the server's `money` filter: "12 000 €" in
     Finnish, "€12,000" in English; cents only when there are some. A unit that is not a
     currency code (points) comes after the number. */
  function moneyText(value, currency) {
    var digits = Math.round(value * 100) % 100 === 0 ? 0 : 2;
    var options = { minimumFractionDigits: digits, maximumFractionDigits: digits };
    if (/^[A-Z]{3}$/.test(currency)) {
      try {
        options.style = "currency";
        options.currency = currency;
        return new Intl.NumberFormat(lang, options).format(value);
      } catch (error) {
        delete options.style;
        delete options.currency;
      }
    }
    return new Intl.NumberFormat(lang, options).format(value) + "\u00a0" + currency;
  }

  function number(value) {
    var parsed = parseFloat(value);
    return isNaN(parsed) ? 0 : parsed;
  }

  function text(form, name, values) {
    var template = form.getAttribute("data-t-" + name) || "";
    return template.replace(/\{(\w+)\}/g, function (match, key) {
      return key in values ? values[key] : match;
    });
  }

  function updateSection(form, section) {
    var counter = section.querySelector("[data-pb-counter]");
    if (!counter) return;
    var type = form.getAttribute("data-ballot-type");
    var currency = form.getAttribute("data-currency") || "EUR";
    var budget = number(section.getAttribute("data-budget"));
    var max = form.getAttribute("data-max");
    var total = number(form.getAttribute("data-points"));
    var chosen = 0;
    var cost = 0;
    var points = 0;
    Array.prototype.forEach.call(section.querySelectorAll("[data-cost]"), function (input) {
      var value = input.type === "checkbox" ? (input.checked ? 1 : 0) : number(input.value);
      if (value > 0) {
        chosen += 1;
        cost += number(input.getAttribute("data-cost"));
        points += value;
      }
    });
    var parts = [];
    var over = false;
    if (type === "cumulative") {
      parts.push(text(form, "points", { points: points, total: total }));
      if (points > total) {
        over = true;
        parts.push(text(form, "too-many", { over: points - total }));
      }
    } else if (max) {
      parts.push(text(form, "chosen-max", { chosen: chosen, max: max }));
      if (chosen > number(max)) {
        over = true;
        parts.push(text(form, "too-many", { over: chosen - number(max) }));
      }
    } else {
      parts.push(text(form, "chosen", { chosen: chosen }));
    }
    parts.push(text(form, "cost", { cost: moneyText(cost, currency), budget: moneyText(budget, currency) }));
    if (cost > budget) {
      if (type === "knapsack") {
        over = true;
        parts.push(text(form, "over-budget", { over: moneyText(cost - budget, currency) }));
      }
    } else {
      parts.push(text(form, "left", { left: moneyText(budget - cost, currency) }));
    }
    counter.textContent = parts.join(" ");
    counter.classList.toggle("is-over", over);
    counter.hidden = false;
  }

  function setUpBallot(form) {
    Array.prototype.forEach.call(form.querySelectorAll("[data-pb-section]"), function (section) {
      updateSection(form, section);
      section.addEventListener("change", function () { updateSection(form, section); });
      section.addEventListener("input", function () { updateSection(form, section); });
    });
    var errors = form.querySelector("#pb-ballot-errors");
    if (errors) errors.focus();
  }

  /* The "file is being prepared" page asks the server every few seconds (HEAD, same address)
     and starts the download once the file is there; the status region says so. */
  function followFile(box) {
    var url = box.getAttribute("data-file-ready");
    var status = box.querySelector("[role=status]");
    var tries = 0;
    function check() {
      tries += 1;
      fetch(url, { method: "HEAD", credentials: "same-origin" }).then(function (response) {
        if (response.status === 200) {
          status.textContent = box.getAttribute("data-t-ready");
          window.location.href = url;
        } else if (tries < 60) {
          window.setTimeout(check, 5000);
        }
      }, function () {
        if (tries < 60) window.setTimeout(check, 5000);
      });
    }
    window.setTimeout(check, 3000);
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-pb-ballot]"), setUpBallot);
    Array.prototype.forEach.call(document.querySelectorAll("[data-file-ready]"), followFile);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
