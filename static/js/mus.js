// A save that did not reach the server (it answered 5xx, or the network failed) says so
// where the answer is written and in the live region; htmx leaves the text in the field,
// and the next change sends it again.
document.addEventListener("DOMContentLoaded", () => {
  const message = document.body.dataset.saveFailed;
  const failed = (event) => {
    const status = event.detail.xhr ? event.detail.xhr.status : 0;
    const target = event.detail.target;
    if (status && status < 500) return;
    if (target && target.classList.contains("autosave__state")) {
      target.querySelectorAll(".autosave__failed").forEach((old) => old.remove());
      target.insertAdjacentHTML("afterbegin", '<span class="autosave__failed"></span>');
      target.querySelector(".autosave__failed").textContent = message;
    }
    document.getElementById("announcer").textContent = message;
  };
  document.body.addEventListener("htmx:responseError", failed);
  document.body.addEventListener("htmx:sendError", failed);
});

// Text typed but not saved yet (its autosave not answered, or a plain form not sent): the
// browser asks before the page is left, so nothing typed is lost unseen.
document.addEventListener("DOMContentLoaded", () => {
  const unsaved = new Set();
  const isText = (el) => el.matches && el.matches("textarea:not([readonly]), input[type=text]:not([readonly]), input:not([type]), input[type=date], input[type=time]");
  document.body.addEventListener("input", (event) => {
    if (isText(event.target) && event.target.form) unsaved.add(event.target);
  });
  document.body.addEventListener("htmx:afterRequest", (event) => {
    let el = event.detail.elt;
    if (el.closest(".conflict-note")) {
      // A choice after a conflict: the box's text is what the writer chose to keep.
      el = el.closest(".autosave").querySelector("textarea, input");
      el.dataset.sent = el.value;
    }
    const status = event.detail.xhr ? event.detail.xhr.status : 0;
    const conflict = (event.detail.xhr?.getResponseHeader("HX-Retarget") || "").startsWith("#conflict-");
    // Saved, and not typed in since it was sent; a conflict waits for the writer's choice.
    if (event.detail.successful && status < 300 && !conflict && el.value === el.dataset.sent) {
      unsaved.delete(el);
    }
  });
  document.body.addEventListener("htmx:beforeRequest", (event) => {
    const el = event.detail.elt;
    if (unsaved.has(el)) el.dataset.sent = el.value;
  });
  document.body.addEventListener("submit", (event) => {
    for (const el of event.target.elements) unsaved.delete(el);
  });
  window.addEventListener("beforeunload", (event) => {
    for (const el of unsaved) {
      if (!el.isConnected) unsaved.delete(el);
    }
    if (unsaved.size) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
});
