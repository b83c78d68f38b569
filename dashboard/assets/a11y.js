// Keyboard and screen-reader support around Dash's page re-rendering.
// - A control that changes the URL re-renders the page: focus goes back to the
//   control with the same id, and the new heading and result are announced
//   through the aria-live region. A control inside a disclosure (the list of
//   municipalities on /data) opens it again, so several boxes can be ticked
//   in a row without reopening the list each time.
// - An in-app link to another path moves focus to the main content.
(function () {
  var lastFocusId = null;
  var lastPath = location.pathname;
  var lastKey = null;
  var loadHref = location.href;
  var timer = null;

  document.addEventListener("focusin", function (e) {
    var el = e.target;
    lastFocusId = el && el.id && el.closest && el.closest("#main-content") ? el.id : null;
  });

  function text(selector) {
    var el = document.querySelector(selector);
    return el ? el.textContent.trim() : "";
  }

  function settle() {
    var h1 = text("#main-content h1");
    if (!h1) { return; }
    var key = [h1, text("#main-content [role=status]"), text("#main-content .chart-sentence")].join("|");
    var active = document.activeElement;
    var lost = !active || active === document.body || !document.body.contains(active);
    if (location.pathname !== lastPath) {
      lastPath = location.pathname;
      var main = document.getElementById("main-content");
      if (main && lost) { main.focus(); }
    } else if (lost && lastFocusId) {
      var again = document.getElementById(lastFocusId);
      if (again) {
        for (var d = again.closest("details"); d; d = d.parentElement && d.parentElement.closest("details")) {
          d.open = true;
        }
        again.focus({ preventScroll: true });
      }
    }
    if (key !== lastKey) {
      // the first view of a freshly loaded page is read by the screen reader anyway
      var first = lastKey === null && location.href === loadHref;
      lastKey = key;
      var live = document.getElementById("app-live-region");
      if (!first && live) {
        var parts = [h1, text("#main-content .result-count"), text("#main-content .param-notice")];
        live.textContent = parts.filter(Boolean).join(". ");
      }
    }
  }

  var observer = new MutationObserver(function () {
    clearTimeout(timer);
    timer = setTimeout(settle, 120);
  });

  function start() {
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
