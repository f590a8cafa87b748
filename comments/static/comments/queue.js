// The comment queue's keyboard: j/k move between rows, a approve, s spam, d delete (asks first),
// x select, o open, ? the list of keys. The buttons themselves post forms; keys only press them.
"use strict";
(function () {
  const KEY = "comment-queue-row";
  const rows = () => Array.from(document.querySelectorAll("#result_list tbody tr"));
  let current = -1;

  function show(index) {
    const all = rows();
    if (!all.length) return;
    current = Math.max(0, Math.min(index, all.length - 1));
    all.forEach((row, i) => row.classList.toggle("is-current", i === current));
    all[current].scrollIntoView({ block: "nearest" });
  }

  function press(key) {
    const row = rows()[current];
    const button = row && row.querySelector(`[data-key="${key}"]`);
    if (!button) return;
    if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) return;
    sessionStorage.setItem(KEY, String(current));
    button.click();
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-confirm]");
    if (button && event.isTrusted && !window.confirm(button.dataset.confirm)) event.preventDefault();
    const row = event.target.closest("#result_list tbody tr");
    if (row) {
      current = rows().indexOf(row);
      sessionStorage.setItem(KEY, String(current));
    }
  });

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest("input, textarea, select, [contenteditable]")) return;
    const row = rows()[current];
    switch (event.key) {
      case "j": show(current + 1); break;
      case "k": show(current - 1); break;
      case "a": case "s": case "d": press(event.key); break;
      case "x": {
        const box = row && row.querySelector("input.action-select");
        if (box) box.click();
        break;
      }
      case "o": {
        const link = row && row.querySelector("th a, td.field-created_at a");
        if (link) link.click();
        break;
      }
      case "?": {
        const keys = document.getElementById("comment-keys");
        if (keys) keys.open = !keys.open;
        break;
      }
      default: return;
    }
    event.preventDefault();
  });

  document.addEventListener("DOMContentLoaded", () => {
    const saved = Number(sessionStorage.getItem(KEY));
    sessionStorage.removeItem(KEY);
    show(Number.isFinite(saved) && saved >= 0 ? saved : 0);
  });
})();
