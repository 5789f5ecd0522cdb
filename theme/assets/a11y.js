// Accessibility (issue 12): the 长辈版 switch, remembered across pages (the inline script in the head applies
// it before the page is drawn), and wide tables made reachable by the keyboard, saying that they scroll.
(function () {
  "use strict";
  var KEY = "qlqd-senior";
  var root = document.documentElement;

  function remember(on) {
    try {
      if (on) {
        localStorage.setItem(KEY, "1");
      } else {
        localStorage.removeItem(KEY);
      }
    } catch (e) {
      // storage refused (private mode): the switch still works on this page
    }
  }

  var toggle = document.querySelector("[data-qlqd-senior]");
  if (toggle) {
    toggle.hidden = false;
    toggle.setAttribute("aria-pressed", String(root.classList.contains(KEY)));
    toggle.addEventListener("click", function () {
      var on = !root.classList.contains(KEY);
      root.classList.toggle(KEY, on);
      toggle.setAttribute("aria-pressed", String(on));
      remember(on);
      markScrolling();
    });
  }

  // The navigation drawer of a narrow screen, opened by a button (the theme's label is not focusable): focus
  // moves into it, and Escape closes it and returns to the button.
  var drawer = document.getElementById("__drawer");
  var menu = document.querySelector("[data-qlqd-drawer]");
  var label = document.querySelector("[data-qlqd-drawer-label]");
  if (drawer && menu && label) {
    menu.hidden = false;
    label.hidden = true;
    drawer.addEventListener("change", function () {
      menu.setAttribute("aria-expanded", String(drawer.checked));
    });
    menu.addEventListener("click", function () {
      drawer.click();
      var first = drawer.checked && document.querySelector(".md-sidebar--primary a[href], .md-sidebar--primary label[tabindex]");
      if (first) {
        first.focus();
      }
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && drawer.checked) {
        drawer.click();
        menu.focus();
      }
    });
  }

  // The text of the heading a table is under, to tell its scrolling region from the others.
  function headingOf(element) {
    for (var node = element; node && !node.classList.contains("md-typeset"); node = node.parentElement) {
      for (var before = node.previousElementSibling; before; before = before.previousElementSibling) {
        if (/^H[1-6]$/.test(before.tagName)) {
          return before.textContent.trim();
        }
      }
    }
    return "";
  }

  // A table that scrolls sideways gets a tab stop, a name and a visible hint; one that fits loses them.
  var WRAPPERS = ".md-typeset .qlqd-table, .md-typeset .md-typeset__scrollwrap";
  function markScrolling() {
    var named = {};
    Array.prototype.forEach.call(document.querySelectorAll(WRAPPERS), function (wrap) {
      var scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
      wrap.classList.toggle("qlqd-scrolls", scrolls);
      if (scrolls) {
        var heading = headingOf(wrap);
        var name = (heading ? heading + "：" : "") + "表格，可左右滚动";
        named[name] = (named[name] || 0) + 1;
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", named[name] > 1 ? name + "（" + named[name] + "）" : name);
      } else {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
  }
  markScrolling();
  window.addEventListener("load", function () {
    setTimeout(markScrolling, 0); // after the theme has wrapped the Markdown tables
  });
  var pending = 0;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(markScrolling, 150);
  });
})();
