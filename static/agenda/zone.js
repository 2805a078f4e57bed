// Offers the device's time zone as a link; the page is complete without this script.
(function () {
  "use strict";
  var slot = document.getElementById("browser-zone");
  if (!slot || !window.Intl || !Intl.DateTimeFormat) return;
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone || zone === slot.getAttribute("data-current")) return;
  var url = new URL(window.location.href);
  url.searchParams.set("tz", zone);
  var link = document.createElement("a");
  link.href = url.pathname + url.search;
  link.textContent = slot.getAttribute("data-label").replace("%s", zone);
  slot.appendChild(link);
  slot.hidden = false;
  var field = document.getElementById("id_tz");
  if (field && !field.value) field.value = zone;
})();
