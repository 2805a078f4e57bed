/* Registration questions asked only for some answers: each shows while its condition
   holds and is hidden otherwise (the hidden attribute: from screen readers too).

   Without this script every question shows, with a note saying when it applies, and the
   server decides from what is sent: the answers to questions that do not apply are
   discarded. The conditions are the data attributes of each question's wrapper
   (registration.forms.RegistrationForm._layout): data-attendance (the way of attending
   it is asked of), data-depends-on (the name of the field it follows) and
   data-shown-for (the answers of that field that show it, separated by spaces). A
   question after a hidden question is hidden too, whatever was answered there.

   What was typed into a question stays while it is hidden, so that answering back
   brings it again; the server ignores it. Focus stays where it is (the answer just
   given comes before what it shows or hides); a polite live region says that
   questions appeared or went. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-conditional-questions]");
  if (!form) {
    return;
  }
  var wrappers = Array.prototype.slice.call(form.querySelectorAll("[data-asked-when]"));
  if (!wrappers.length) {
    return;
  }
  var byField = {};
  wrappers.forEach(function (wrapper) {
    byField[wrapper.getAttribute("data-field")] = wrapper;
  });

  var status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("aria-live", "polite");
  form.appendChild(status);

  function answers(name) {
    var picked = [];
    Array.prototype.forEach.call(form.elements, function (input) {
      if (input.name !== name) {
        return;
      }
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) {
          picked.push(input.value);
        }
      } else if (input.value) {
        picked.push(input.value);
      }
    });
    return picked;
  }

  function applies(wrapper, path) {
    var attendance = wrapper.getAttribute("data-attendance");
    if (attendance && answers("attendance").indexOf(attendance) === -1) {
      return false;
    }
    var field = wrapper.getAttribute("data-depends-on");
    if (!field) {
      return true;
    }
    var controller = byField[field];
    if (controller) {
      var circle = path.indexOf(controller) !== -1;
      if (circle || !applies(controller, path.concat([wrapper]))) {
        return false;
      }
    }
    var wanted = (wrapper.getAttribute("data-shown-for") || "").split(" ");
    return answers(field).some(function (value) {
      return wanted.indexOf(value) !== -1;
    });
  }

  function announce(text) {
    // Emptied first, so that the same words said twice are heard twice.
    status.textContent = "";
    window.setTimeout(function () {
      status.textContent = text;
    }, 100);
  }

  function update(speak) {
    var appeared = 0;
    var went = 0;
    wrappers.forEach(function (wrapper) {
      var show = applies(wrapper, []);
      if (show === !wrapper.hidden) {
        return;
      }
      if (!show && wrapper.contains(document.activeElement)) {
        // Not reached by answering (what is answered comes first); kept for safety:
        // focus never drops to the page's start.
        var controller = wrapper.getAttribute("data-depends-on") || "attendance";
        var first = form.querySelector("[name='" + controller + "']");
        if (first) {
          first.focus();
        }
      }
      wrapper.hidden = !show;
      if (show) {
        appeared += 1;
      } else {
        went += 1;
      }
    });
    if (speak && appeared) {
      announce(form.getAttribute("data-shown-text"));
    } else if (speak && went) {
      announce(form.getAttribute("data-hidden-text"));
    }
  }

  update(false);
  form.addEventListener("change", function () {
    update(true);
  });
})();
