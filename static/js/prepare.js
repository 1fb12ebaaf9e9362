// Near a text's length limit a counter says how much is left, and pasted text is never cut
// silently: the browser's limit is lifted here, the server still refuses a longer text.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form.prepare");
  if (!form) return;
  const { charactersLeft, charactersOver } = form.dataset;
  form.querySelectorAll("textarea[maxlength], input[maxlength]").forEach((field) => {
    const max = field.maxLength;
    field.removeAttribute("maxlength");
    const counter = document.createElement("span");
    counter.className = "counter";
    field.insertAdjacentElement("afterend", counter);
    const update = () => {
      const length = field.value.length;
      counter.hidden = length < max * 0.9;
      counter.classList.toggle("counter--over", length > max);
      counter.textContent = (length > max ? charactersOver : charactersLeft).replace(
        "%s", String(Math.abs(max - length)));
    };
    field.addEventListener("input", update);
    update();
  });
});
