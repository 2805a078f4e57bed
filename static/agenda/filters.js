// Refreshes the programme in place when a list of the filter form changes or the form
// is sent: it asks for the very address the form would open (for visitors, the cached
// page), swaps in the parts of the page that follow the filters, keeps the address in
// the location bar and tells screen readers how many sessions match. Focus stays where
// it was. Without this script the form's button opens the same address as a new page.
(function () {
  "use strict";
  var form = document.querySelector("form[data-programme-filters]");
  if (!form || !window.fetch || !window.DOMParser || !window.AbortController ||
      !window.URLSearchParams || !window.FormData || !window.history.replaceState) return;
  var status = document.querySelector("[data-filter-announce]");
  var results = document.getElementById("programme-results");
  var pending = null;

  function address() {
    var query = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (String(value).trim() !== "") query.append(name, value);
    });
    var search = query.toString();
    return form.getAttribute("action") + (search ? "?" + search : "");
  }

  function show(html, url) {
    var fresh = new DOMParser().parseFromString(html, "text/html");
    document.querySelectorAll("[data-filter-swap]").forEach(function (part) {
      var replacement = fresh.getElementById(part.id);
      if (replacement) part.replaceWith(document.importNode(replacement, true));
    });
    var count = fresh.querySelector("[data-filter-announce]");
    if (status && count) status.textContent = count.textContent;
    if (fresh.title) document.title = fresh.title;
    window.history.replaceState(null, "", url);
  }

  function refresh() {
    var url = address();
    if (pending) pending.abort();
    var request = new AbortController();
    pending = request;
    if (results) results.setAttribute("aria-busy", "true");
    window.fetch(url, {
      signal: request.signal,
      credentials: "same-origin",
      headers: {"Accept": "text/html"}
    }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.text();
    }).then(function (html) {
      show(html, url);
    }).catch(function (error) {
      if (error.name !== "AbortError") window.location.assign(url);
    }).then(function () {
      if (pending === request) {
        pending = null;
        if (results) results.removeAttribute("aria-busy");
      }
    });
  }

  form.addEventListener("change", function (event) {
    if (event.target.tagName === "SELECT") refresh();
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    refresh();
  });
})();
