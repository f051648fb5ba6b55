// Lumagen (demo): send the prompt to /api/generate and show the returned images.
(function () {
  "use strict";
  var button = document.getElementById("generate");
  var statusLine = document.getElementById("status");
  var results = document.getElementById("results");

  function setStatus(text) { statusLine.textContent = text; }

  function addImage(url, caption, aiLabel) {
    var fig = document.createElement("figure");
    var img = document.createElement("img");
    img.src = url;
    img.alt = caption;
    var cap = document.createElement("figcaption");
    cap.textContent = caption;
    fig.appendChild(img);
    if (aiLabel) {  // the visible AI label, shown on the outputs the platform labels
      var badge = document.createElement("span");
      badge.className = "ai-badge";
      badge.textContent = aiLabel;
      fig.appendChild(badge);
    }
    fig.appendChild(cap);
    results.appendChild(fig);
    return img;
  }

  function generate() {
    var prompt = document.getElementById("prompt").value;
    var negative = document.getElementById("negative").value;
    var seedText = document.getElementById("seed").value;
    var n = parseInt(document.getElementById("count").value, 10) || 2;
    var body = { prompt: prompt, negative_prompt: negative, n: n,
                 seed: seedText === "" ? null : parseInt(seedText, 10) };
    button.disabled = true;
    setStatus("generating…");
    results.innerHTML = "";
    fetch("/api/generate", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) {
          if (data.refused) {  // the platform's keyword filter refused the prompt
            var note = document.createElement("p");
            note.id = "refusal";
            note.className = "refusal";
            note.textContent = data.error;
            results.appendChild(note);
          }
          throw new Error(data.error || ("HTTP " + response.status));
        }
        return data;
      });
    }).then(function (data) {
      var pending = data.images.length;
      if (pending === 0) { setStatus("done"); }
      data.images.forEach(function (item) {
        var img = addImage(item.url, "job " + data.job_id + " · seed " + item.seed, item.ai_label);
        var finish = function () { pending -= 1; if (pending === 0) { setStatus("done"); } };
        img.addEventListener("load", finish);
        img.addEventListener("error", finish);
      });
    }).catch(function (err) {
      setStatus("error: " + err.message);
    }).finally(function () {
      button.disabled = false;
    });
  }

  button.addEventListener("click", generate);
})();
