/* The profile bio: a formatting toolbar above its textarea. The bio is Markdown that people can
   type without this file (the field's help text says how); the buttons only write the same
   marks around the selected text: **bold**, _italic_, [text](https://…) and "- " list items.
   The toolbar is the page's <template data-bio-toolbar> (translated there), copied here.
   Keyboard: Tab reaches the toolbar once, the arrow keys, Home and End move between its
   buttons; Ctrl+B and Ctrl+I in the textarea work as the Bold and Italic buttons. */
(function () {
  "use strict";
  var template = document.querySelector("template[data-bio-toolbar]");
  var textarea = document.querySelector("textarea[data-bio-editor]");
  if (!template || !textarea || !("content" in template)) return;

  // Replaces start..end by text (kept in the browser's undo history where it can), then
  // selects from selectStart to selectEnd, counted from start.
  function replace(start, end, text, selectStart, selectEnd) {
    textarea.focus();
    textarea.setSelectionRange(start, end);
    var inserted = false;
    try {
      inserted = document.execCommand("insertText", false, text);
    } catch (error) {
      inserted = false;
    }
    if (!inserted || textarea.value.substring(start, start + text.length) !== text) {
      textarea.setRangeText(text, start, end, "end");
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    }
    textarea.setSelectionRange(start + selectStart, start + selectEnd);
  }

  // The selection without the white space around it ("**word **" would not be bold).
  function trimmedSelection() {
    var start = textarea.selectionStart;
    var end = textarea.selectionEnd;
    var value = textarea.value;
    while (start < end && /\s/.test(value.charAt(start))) start += 1;
    while (end > start && /\s/.test(value.charAt(end - 1))) end -= 1;
    return { start: start, end: end, text: value.substring(start, end) };
  }

  // Bold and italic: wrap the selection in the mark, or unwrap it when it is already wrapped.
  function toggleMark(mark, placeholder) {
    var selection = trimmedSelection();
    var value = textarea.value;
    var before = value.substring(selection.start - mark.length, selection.start);
    var after = value.substring(selection.end, selection.end + mark.length);
    if (selection.text && before === mark && after === mark) {
      replace(
        selection.start - mark.length,
        selection.end + mark.length,
        selection.text,
        0,
        selection.text.length
      );
      return;
    }
    var text = selection.text || placeholder;
    replace(selection.start, selection.end, mark + text + mark, mark.length, mark.length + text.length);
  }

  // A link: [selected text](https://) with the address selected, to be typed over.
  function link(placeholder) {
    var selection = trimmedSelection();
    var text = selection.text || placeholder;
    var address = "https://";
    if (/^https?:\/\/\S+$/.test(text)) {
      // an address was selected: it is the link's address, its text is to be typed
      replace(selection.start, selection.end, "[" + placeholder + "](" + text + ")", 1, 1 + placeholder.length);
      return;
    }
    var markdown = "[" + text + "](" + address + ")";
    var addressStart = text.length + 3;
    replace(selection.start, selection.end, markdown, addressStart, addressStart + address.length);
  }

  // A bulleted list: every selected line starts with "- " (or, when all do, none does).
  function toggleList(placeholder) {
    var value = textarea.value;
    var selectionStart = textarea.selectionStart;
    var selectionEnd = textarea.selectionEnd;
    // lines selected up to their end, the line break included: not the next line
    if (selectionEnd > selectionStart && value.charAt(selectionEnd - 1) === "\n") selectionEnd -= 1;
    var start = selectionStart === 0 ? 0 : value.lastIndexOf("\n", selectionStart - 1) + 1;
    var end = value.indexOf("\n", selectionEnd);
    if (end === -1) end = value.length;
    var lines = value.substring(start, end).split("\n");
    var listed = lines.every(function (line) { return /^\s*- /.test(line) || !line.trim(); });
    var result;
    if (listed && lines.some(function (line) { return line.trim(); })) {
      result = lines.map(function (line) { return line.replace(/^(\s*)- /, "$1"); });
    } else {
      result = lines.map(function (line) {
        if (!line.trim()) return lines.length === 1 ? "- " + placeholder : line;
        return /^\s*- /.test(line) ? line : "- " + line;
      });
    }
    var text = result.join("\n");
    if (lines.length === 1 && !lines[0].trim()) {
      replace(start, end, text, 2, text.length); // the placeholder, to be typed over
    } else {
      replace(start, end, text, 0, text.length);
    }
  }

  var actions = {
    bold: function (button) { toggleMark("**", button.getAttribute("data-placeholder")); },
    italic: function (button) { toggleMark("_", button.getAttribute("data-placeholder")); },
    link: function (button) { link(button.getAttribute("data-placeholder")); },
    list: function (button) { toggleList(button.getAttribute("data-placeholder")); }
  };

  var toolbar = template.content.firstElementChild.cloneNode(true);
  var buttons = Array.prototype.slice.call(toolbar.querySelectorAll("button[data-format]"));
  textarea.parentNode.insertBefore(toolbar, textarea);

  // one tab stop for the toolbar (roving tabindex), as a toolbar is used
  function focusButton(index) {
    buttons.forEach(function (button, i) { button.tabIndex = i === index ? 0 : -1; });
    buttons[index].focus();
  }
  buttons.forEach(function (button, i) {
    button.tabIndex = i === 0 ? 0 : -1;
    button.addEventListener("click", function () {
      buttons.forEach(function (other, j) { other.tabIndex = j === i ? 0 : -1; });
      actions[button.getAttribute("data-format")](button);
    });
  });
  toolbar.addEventListener("keydown", function (event) {
    var index = buttons.indexOf(document.activeElement);
    if (index === -1) return;
    var next = {
      ArrowRight: (index + 1) % buttons.length,
      ArrowDown: (index + 1) % buttons.length,
      ArrowLeft: (index - 1 + buttons.length) % buttons.length,
      ArrowUp: (index - 1 + buttons.length) % buttons.length,
      Home: 0,
      End: buttons.length - 1
    }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    focusButton(next);
  });
  // a button pressed with the mouse does not take the focus: the selection stays in view
  toolbar.addEventListener("mousedown", function (event) {
    if (event.target.closest("button")) event.preventDefault();
  });

  textarea.addEventListener("keydown", function (event) {
    if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
    var key = event.key.toLowerCase();
    var format = key === "b" ? "bold" : key === "i" ? "italic" : null;
    if (!format) return;
    event.preventDefault();
    var button = toolbar.querySelector('button[data-format="' + format + '"]');
    actions[format](button);
  });
})();
