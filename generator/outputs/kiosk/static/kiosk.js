// The kiosk: a back button, and the return to the start screen after the idle time without a touch.
(function () {
  var body = document.body;
  document.querySelectorAll("[data-back]").forEach(function (button) {
    button.addEventListener("click", function () { history.back(); });
  });
  var home = body.getAttribute("data-home");
  var seconds = Number(body.getAttribute("data-idle")) || 120;
  var timer = null;
  function restart() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      if (home) { location.href = home; } else { window.scrollTo(0, 0); restart(); }
    }, seconds * 1000);
  }
  ["pointerdown", "touchstart", "keydown", "wheel", "scroll"].forEach(function (name) {
    window.addEventListener(name, restart, { passive: true });
  });
  restart();
})();
