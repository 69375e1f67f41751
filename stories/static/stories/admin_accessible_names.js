/*
 * Names that Wagtail's editor leaves out, which axe reports on the story editor:
 * - a rich text editor's editing area (role="textbox") gets its field's label (Wagtail issue
 *   #14205: the <label> points at the hidden input that Draftail replaces);
 * - a chooser's dialog (role="dialog") gets the title of its header.
 * Only an enhancement: without it everything works as before.
 */
(function () {
  "use strict";

  function isNamed(element) {
    return element.hasAttribute("aria-labelledby") || element.hasAttribute("aria-label");
  }

  function nameEditor(editor) {
    var area = editor.querySelector('[contenteditable="true"][role="textbox"]');
    var field = editor.closest(".w-field__input") || editor.parentElement;
    var input = field && field.querySelector("input[data-draftail-input][id]");
    if (!area || !input || isNamed(area)) {
      return;
    }
    var label = document.querySelector('label[for="' + input.id + '"]');
    if (!label) {
      return;
    }
    if (!label.id) {
      label.id = input.id + "-label";
    }
    area.setAttribute("aria-labelledby", label.id);
  }

  function nameDialog(dialog) {
    var title = dialog.querySelector("h1, .w-header__title");
    if (title && title.textContent.trim()) {
      // the text, not an id: every modal's header title has the same id
      dialog.setAttribute("aria-label", title.textContent.trim());
    }
  }

  function nameAll() {
    document.querySelectorAll(".Draftail-Editor").forEach(nameEditor);
    document.querySelectorAll('.modal[role="dialog"]').forEach(nameDialog);
  }

  function start() {
    nameAll();
    // editors and dialogs appear later too (blocks, inline panels, choosers)
    new MutationObserver(nameAll).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
