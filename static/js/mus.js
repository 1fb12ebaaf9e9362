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
