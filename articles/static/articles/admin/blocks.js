/* The article's blocks in the admin: drag and drop or arrow keys to reorder, fields by kind.
 * Positions follow the order on the page; a new block goes last. CKEditor cannot survive its
 * iframe being moved, so a moved block's editors are closed (text kept) and opened again. */
"use strict";
// Admin media scripts load in the page's head: wait for the blocks.
document.addEventListener("DOMContentLoaded", function () {
  const group = document.querySelector(".block-editor");
  if (!group) return;
  const announcer = group.querySelector("[data-block-announcer]");
  let dragged = null;

  function blocks() {
    return Array.from(group.querySelectorAll(".inline-related.block:not(.empty-form)"));
  }

  function field(block, name) {
    return block.querySelector(`[name$="-${name}"]`);
  }

  function changed(input) {
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function showKind(block) {
    const select = field(block, "kind");
    if (!select) return;
    block.dataset.kind = select.value;
    const label = block.querySelector(".block__kind");
    if (label) label.textContent = select.options[select.selectedIndex].text;
  }

  function renumber() {
    blocks().forEach((block, index) => {
      const position = field(block, "position");
      if (position && position.value !== String(index + 1)) {
        position.value = String(index + 1);
        changed(position);
      }
      const label = block.querySelector(".inline_label");
      if (label) label.textContent = `#${index + 1}`;
    });
  }

  function withEditorsClosed(block, change) {
    const editors = window.CKEDITOR ? Object.values(window.CKEDITOR.instances) : [];
    const mine = editors.filter((editor) => block.contains(editor.element.$));
    const reopen = mine.map((editor) => {
      const textarea = editor.element.$;
      if (editor.status === "ready") editor.updateElement(); // the text goes back into the textarea
      editor.destroy(true);
      return textarea;
    });
    change();
    for (const textarea of reopen) {
      window.CKEDITOR.replace(textarea.id, JSON.parse(textarea.dataset.config));
    }
  }

  function move(block, target, after) {
    if (!target || target === block) return;
    withEditorsClosed(block, () => target.insertAdjacentElement(after ? "afterend" : "beforebegin", block));
    renumber();
    const list = blocks();
    announcer.textContent = group.dataset.movedText
      .replace("{position}", list.indexOf(block) + 1)
      .replace("{count}", list.length);
  }

  function moveBy(block, step) {
    const list = blocks();
    const target = list[list.indexOf(block) + step];
    move(block, target, step > 0);
  }

  group.addEventListener("change", (event) => {
    if (event.target.matches('select[name$="-kind"]')) showKind(event.target.closest(".block"));
  });

  group.addEventListener("click", (event) => {
    const button = event.target.closest(".block__move");
    if (!button) return;
    const block = button.closest(".block");
    moveBy(block, Number(button.dataset.move));
    button.focus();
  });

  group.addEventListener("keydown", (event) => {
    const handle = event.target.closest(".block__handle");
    if (!handle || !["ArrowUp", "ArrowDown"].includes(event.key)) return;
    event.preventDefault();
    moveBy(handle.closest(".block"), event.key === "ArrowUp" ? -1 : 1);
    handle.focus();
  });

  group.addEventListener("dragstart", (event) => {
    const handle = event.target.closest && event.target.closest(".block__handle");
    if (!handle) return;
    dragged = handle.closest(".block");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.id);
    event.dataTransfer.setDragImage(dragged, 20, 20);
    group.classList.add("is-dragging");
    dragged.classList.add("is-dragged");
  });

  function dropTarget(event) {
    const target = event.target.closest && event.target.closest(".inline-related.block:not(.empty-form)");
    if (!dragged || !target || target === dragged) return null;
    const box = target.getBoundingClientRect();
    return { target, after: event.clientY > box.top + box.height / 2 };
  }

  group.addEventListener("dragover", (event) => {
    const drop = dropTarget(event);
    if (!drop) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    for (const block of blocks()) block.classList.remove("drop-before", "drop-after");
    drop.target.classList.add(drop.after ? "drop-after" : "drop-before");
  });

  group.addEventListener("drop", (event) => {
    const drop = dropTarget(event);
    if (!drop) return;
    event.preventDefault();
    move(dragged, drop.target, drop.after);
  });

  group.addEventListener("dragend", () => {
    group.classList.remove("is-dragging");
    for (const block of blocks()) block.classList.remove("drop-before", "drop-after", "is-dragged");
    dragged = null;
  });

  document.addEventListener("formset:added", (event) => {
    const block = event.target.closest && event.target.closest(".block");
    if (!block || !group.contains(block)) return;
    const others = blocks().filter((other) => other !== block);
    const highest = Math.max(0, ...others.map((other) => Number(field(other, "position")?.value) || 0));
    const position = field(block, "position");
    if (position) position.value = String(highest + 1);
    showKind(block);
    const speaker = block.querySelector("[data-interviewee]");
    const name = document.getElementById("id_interviewee_name");
    if (speaker && name) speaker.textContent = name.value;
  });

  const interviewee = document.getElementById("id_interviewee_name");
  if (interviewee) {
    interviewee.addEventListener("input", () => {
      for (const speaker of group.querySelectorAll("[data-interviewee]")) speaker.textContent = interviewee.value;
    });
  }
});
