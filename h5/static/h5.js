// Live status for the progress page: polls status.json and moves on when the step
// changes. Without JavaScript the page refreshes itself instead.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var el = document.getElementById("status");
  if (!el || !window.fetch) {
    return;
  }
  var every = parseInt(el.getAttribute("data-poll"), 10) || 2000;
  var url = el.getAttribute("data-url");
  function poll() {
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.step !== "running") {
          window.location.replace(s.next);
          return;
        }
        el.textContent = s.status;
        window.setTimeout(poll, every);
      })
      .catch(function () { window.setTimeout(poll, every * 2); });
  }
  window.setTimeout(poll, every);
})();
