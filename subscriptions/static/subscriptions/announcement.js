// The announcement's page follows a sending in the background: it asks for the counts every two seconds
// while the sending runs (or once it was just started), and stops when it has finished.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("announcement-progress");
  if (!box) return;
  const bar = box.querySelector("progress");
  const text = box.querySelector(".announcement-progress__text");
  let rounds = box.dataset.running ? Infinity : 0;
  if (document.querySelector(".messagelist .success")) rounds = Math.max(rounds, 30); // just started

  async function poll() {
    if (rounds-- <= 0) return;
    try {
      const response = await fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(String(response.status));
      const p = await response.json();
      bar.max = Math.max(p.total, 1);
      bar.value = p.sent;
      if (p.started) {
        text.textContent = text.dataset.template
          .replace("{sent}", p.sent).replace("{total}", p.total)
          .replace("{failed}", p.failed).replace("{pending}", p.pending)
          + (p.finished ? " " + text.dataset.finished : "");
      }
      if (p.finished) {
        const send = document.querySelector(".announcement-send a");  // its number is from before the sending
        if (send && !p.pending) send.hidden = true;
        return;
      }
      rounds = Math.max(rounds, p.started ? Infinity : rounds);
    } catch (error) {
      // A lost answer (network, a restart): try again at the next round.
    }
    window.setTimeout(poll, 2000);
  }
  poll();
});
