/* Change forms: a warning before leaving with unsaved changes, autosave as a revision while typing
 * (when the page offers it: #desk-config[data-autosave-url]), and the focal point of a picture. */
"use strict";
// Admin media scripts load in the page's head: wait for the form.
document.addEventListener("DOMContentLoaded", function () {
  const form = document.querySelector("#content-main form[id$='_form']");
  if (!form) return;
  const config = document.getElementById("desk-config");
  const status = document.getElementById("desk-status");
  let unsaved = false; // changed since the page was opened: the warning before leaving
  let unsent = false; // changed since the last autosave

  function touched() {
    unsaved = true;
    unsent = true;
  }

  form.addEventListener("input", touched);
  form.addEventListener("change", touched);
  form.addEventListener("submit", () => {
    unsaved = false;
  });
  if (window.CKEDITOR) {
    window.CKEDITOR.on("instanceReady", (event) => event.editor.on("change", touched));
  }
  window.addEventListener("beforeunload", (event) => {
    if (!unsaved) return;
    event.preventDefault();
    event.returnValue = ""; // older browsers need it set to show their "leave the page?" dialog
  });

  function say(text) {
    if (status) status.textContent = text;
  }

  async function autosave() {
    if (!unsent) return;
    unsent = false;
    if (window.CKEDITOR) for (const editor of Object.values(window.CKEDITOR.instances)) editor.updateElement();
    const data = new FormData(form);
    for (const [name, value] of Array.from(data.entries())) {
      if (value instanceof File) data.delete(name); // files are not autosaved: only a save stores them
    }
    try {
      const response = await fetch(config.dataset.autosaveUrl, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
      });
      if (!response.ok) throw new Error(String(response.status));
      say((await response.json()).message);
    } catch (error) {
      unsent = true;
      say(config.dataset.failedText);
    }
  }

  if (config && config.dataset.autosaveUrl) {
    const seconds = Math.max(1, Number(config.dataset.autosaveSeconds) || 30);
    setInterval(autosave, seconds * 1000);
  }

  /* Focal point: a click on the picture sets <field>_focus_x/_y (percent); typing them moves the mark. */
  for (const preview of document.querySelectorAll(".image-preview[data-focus-of]")) {
    const x = document.getElementById(`${preview.dataset.focusOf}_focus_x`);
    const y = document.getElementById(`${preview.dataset.focusOf}_focus_y`);
    const point = preview.querySelector(".image-preview__point");
    if (!x || !y) continue;
    preview.classList.add("image-preview--focus");
    const show = () => {
      point.hidden = x.value === "" || y.value === "";
      point.style.left = `${x.value}%`;
      point.style.top = `${y.value}%`;
    };
    preview.addEventListener("click", (event) => {
      const box = preview.querySelector("img").getBoundingClientRect();
      const percent = (offset, size) => String(Math.min(100, Math.max(0, Math.round((offset / size) * 100))));
      x.value = percent(event.clientX - box.left, box.width);
      y.value = percent(event.clientY - box.top, box.height);
      x.dispatchEvent(new Event("change", { bubbles: true }));
      show();
    });
    x.addEventListener("input", show);
    y.addEventListener("input", show);
    show();
  }
});
