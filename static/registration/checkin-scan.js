/* Check-in: read a ticket's QR code with the device camera where the browser can
   (the BarcodeDetector API), fill the look-up field and send the form. Without it the
   button stays hidden and typing the code, or opening the QR code's address with the
   phone's own camera app, works as before. */
(function () {
  "use strict";
  var form = document.getElementById("checkin-search");
  var button = document.getElementById("checkin-scan");
  var video = document.getElementById("checkin-video");
  if (!form || !button || !video || !("BarcodeDetector" in window) ||
      !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } })
      .then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        return video.play().then(function () { return stream; });
      })
      .then(function (stream) {
        var scan = function () {
          detector.detect(video).then(function (codes) {
            if (codes.length) {
              stream.getTracks().forEach(function (track) { track.stop(); });
              form.elements.q.value = codes[0].rawValue;
              form.submit();
            } else {
              window.requestAnimationFrame(scan);
            }
          }, function () { window.requestAnimationFrame(scan); });
        };
        scan();
      })
      .catch(function () {
        button.hidden = true;
        video.hidden = true;
      });
  });
})();
