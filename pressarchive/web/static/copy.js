// The document page's Copy buttons: each copies the text of the element its data-copy names.
// The only script pressarchive serves (the page's policy allows this file, never inline code);
// without it the buttons stay hidden and the citations can be selected by hand.
"use strict";

(function () {
  function select(element) {
    const range = document.createRange();
    range.selectNodeContents(element);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function copied(button, ok) {
    const label = button.dataset.label || button.textContent;
    button.dataset.label = label;
    button.textContent = ok ? "Copied" : "Selected: press Ctrl+C";
    window.setTimeout(function () { button.textContent = label; }, 2000);
  }

  async function copy(button) {
    const source = document.getElementById(button.dataset.copy);
    if (!source) {
      return;
    }
    try {
      await navigator.clipboard.writeText(source.textContent);
      copied(button, true);
    } catch (error) {
      // No clipboard API (a page not served over HTTPS or from this machine): select the
      // text so the reader can copy it themselves.
      select(source);
      copied(button, false);
    }
  }

  for (const button of document.querySelectorAll("button[data-copy]")) {
    button.hidden = false;
    button.addEventListener("click", function () { copy(button); });
  }
})();
