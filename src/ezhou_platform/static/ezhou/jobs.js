/* Progress of a background job: polls the run's JSON status and updates the bar; reloads once it ends so
   the page shows the result (counts, errors file). No inline script: the CSP forbids them. */
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || box.getAttribute("data-finished") === "1") { return; }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("job-progress");
  var text = document.getElementById("job-progress-text");
  var state = document.getElementById("job-state");
  var message = document.getElementById("job-message");
  var delay = 1000;

  function show(s) {
    state.textContent = s.state_label;
    message.textContent = s.message || "";
    var counted = s.total !== null ? s.done + "/" + s.total : String(s.done);
    if (s.percent !== null) {
      bar.value = s.percent;
      bar.textContent = s.percent + "%";
      counted += "（" + s.percent + "%）";
    } else {
      bar.removeAttribute("value");
    }
    text.textContent = counted;
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (s) {
        show(s);
        if (s.finished) { window.location.reload(); return; }
        delay = 1000;
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        delay = Math.min(delay * 2, 15000);  // the server restarting: try again, less often
        window.setTimeout(poll, delay);
      });
  }
  window.setTimeout(poll, delay);
})();
