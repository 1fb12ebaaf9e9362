// Names for the widgets Django admin builds in JavaScript, which axe finds unnamed:
// select2 (autocomplete fields) and the filter of a filter_horizontal field.
(() => {
  const labelOf = (select) => {
    const label = select && document.querySelector(`label[for="${select.id}"]`);
    return label ? label.textContent.replace(/:\s*$/, "").trim() : "";
  };
  const name = () => {
    document.querySelectorAll(".select2-container").forEach((box) => {
      const text = labelOf(box.previousElementSibling);
      box.querySelectorAll("[role=combobox], [role=textbox], .select2-search__field").forEach((el) => {
        if (text && el.getAttribute("aria-label") !== text) el.setAttribute("aria-label", text);
      });
    });
    document
      .querySelectorAll(".help-tooltip[aria-label]:not([role])").forEach((el) => el.setAttribute("role", "img"));
  };
  new MutationObserver(name).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", name);
})();
