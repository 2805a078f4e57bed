/* Live word counts under the answer boxes. The server enforces the limits; this only
   tells people where they stand while they type. Counts words like the server does:
   runs of non-space characters. */
(function () {
  "use strict";
  function count(text) {
    var words = text.trim().split(/\s+/);
    return words[0] === "" ? 0 : words.length;
  }
  document.querySelectorAll("textarea[data-word-limit]").forEach(function (box) {
    var limit = parseInt(box.getAttribute("data-word-limit"), 10);
    var label = box.getAttribute("data-word-count-label") || "%(count)s / %(limit)s";
    var output = document.createElement("p");
    output.className = "form-text word-count";
    output.setAttribute("aria-live", "polite");
    output.id = box.id + "-count";
    box.insertAdjacentElement("afterend", output);
    var described = box.getAttribute("aria-describedby");
    box.setAttribute("aria-describedby", (described ? described + " " : "") + output.id);
    function update() {
      var words = count(box.value);
      output.textContent = label.replace("%(count)s", words).replace("%(limit)s", limit);
      output.classList.toggle("text-danger", words > limit);
      output.classList.toggle("fw-bold", words > limit);
    }
    box.addEventListener("input", update);
    update();
  });
})();
