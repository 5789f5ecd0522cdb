// Pagefind's search box on the pages that have one (home, departments, categories, indexes).
// The index is in pagefind/ at the site root; results link relative to that root, so the site
// also works when it is served from a sub-path.
(function () {
  "use strict";
  var box = document.getElementById("search");
  if (!box || typeof PagefindUI === "undefined") {
    return;
  }
  var root = new URL(box.getAttribute("data-root") || "./", window.location.href).pathname;
  new PagefindUI({
    element: "#search",
    baseUrl: root,
    showSubResults: false,
    showImages: false,
    resetStyles: false,
    autofocus: window.location.hash === "#search",
    translations: {
      placeholder: "输入事项名称、编码或关键词",
      zero_results: "没有找到与「[SEARCH_TERM]」相关的权力事项",
      filters_label: "按实施部门和权力类别筛选"
    }
  });
  // The box is named by the visible label above it, not only by its placeholder (WCAG 1.3.1, 4.1.2).
  var field = box.querySelector("input");
  if (field && document.getElementById("search-label")) {
    field.setAttribute("aria-labelledby", "search-label");
  }
  // The header's search button focuses the box on this page instead of leaving it.
  var button = document.querySelector("[data-qlqd-search-button]");
  if (button) {
    button.addEventListener("click", function (event) {
      var input = box.querySelector("input");
      if (input) {
        event.preventDefault();
        input.focus();
        input.scrollIntoView({ block: "center" });
      }
    });
  }
})();
