// Gradio-shaped client: POST {"data": [prompt, negative, seed], "session_hash"} to /gradio/api/predict.
(function () {
  "use strict";
  var session = Math.random().toString(36).slice(2, 12);
  var statusLine = document.getElementById("status");
  var results = document.getElementById("results");
  document.getElementById("generate").addEventListener("click", function () {
    var seed = parseInt(document.getElementById("seed").value, 10);
    var payload = {
      data: [document.getElementById("prompt").value,
             document.getElementById("negative").value,
             isNaN(seed) ? -1 : seed],
      event_data: null, fn_index: 0, session_hash: session
    };
    statusLine.textContent = "generating…";
    results.innerHTML = "";
    fetch("/gradio/api/predict", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(payload)
    }).then(function (r) { return r.json(); }).then(function (out) {
      if (!out.data) { throw new Error(out.error || "no data"); }
      var pending = out.data.length;
      out.data.forEach(function (url) {
        var img = document.createElement("img");
        img.src = url;
        img.width = 300;
        var done = function () { pending -= 1; if (pending === 0) { statusLine.textContent = "done"; } };
        img.addEventListener("load", done);
        img.addEventListener("error", done);
        results.appendChild(img);
      });
    }).catch(function (err) { statusLine.textContent = "error: " + err.message; });
  });
})();
