/* A badge print run's page: while the badges are being made, ask the page again every
   few seconds and put its news in place (the status is a live region, so a screen
   reader hears "ready"); stop once they are ready or failed. Without JavaScript, the
   page's "Check again" link does the same by hand. */
(function () {
  "use strict";
  var region = document.getElementById("run-live");
  if (!region || !region.dataset.waitSeconds || !window.fetch || !window.DOMParser) {
    return;
  }
  var every = Math.max(2, parseInt(region.dataset.waitSeconds, 10) || 3) * 1000;
  var check = function () {
    fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        var fresh = html && new DOMParser().parseFromString(html, "text/html")
          .getElementById("run-live");
        if (fresh && fresh.innerHTML !== region.innerHTML) {
          region.innerHTML = fresh.innerHTML;
        }
        if (!fresh || fresh.dataset.waitSeconds) {
          window.setTimeout(check, every);
        }
      })
      .catch(function () { window.setTimeout(check, every); });
  };
  window.setTimeout(check, every);
}());
