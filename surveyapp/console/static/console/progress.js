// Refresh the progress table every 30 seconds and on window focus from progress.json (text only, no HTML).
(function () {
  "use strict";
  var note = document.getElementById("refresh-note");
  var table = document.getElementById("progress-table");
  if (!note || !table || !window.fetch) { return; }
  var url = note.getAttribute("data-url");

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function beijing(iso) {
    if (!iso) { return "—"; }
    var d = new Date(new Date(iso).getTime() + 8 * 3600 * 1000);
    return d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate()) + " " +
      pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes());
  }
  function cell(tr, text, cls, tag) {
    var td = document.createElement(tag || "td");
    td.textContent = text;
    if (cls) { td.className = cls; }
    tr.appendChild(td);
    return td;
  }
  function percent(value) { return value === null ? "—" : (value * 100).toFixed(2) + "%"; }
  function counts(tr, c, targets) {
    cell(tr, c.collected, "num");
    cell(tr, c.valid, "num");
    if (targets) {
      cell(tr, c.target === null ? "—" : c.target, "num");
      cell(tr, percent(c.completion), c.below_target ? "num below" : "num");
    }
  }
  function fill(tr, row, roles, targets, tag) {
    var below = false;
    if (tag === "th") {
      cell(tr, "合计", "", "th");
      cell(tr, "", "", "th");
    } else {
      var name = cell(tr, row.unit_name + " ");
      if (row.unit) {
        var code = document.createElement("span");
        code.className = "muted small";
        code.textContent = row.unit;
        name.appendChild(code);
      }
      roles.forEach(function (r) { below = below || row.roles[r.role].below_target; });
      if (below) {
        var badge = document.createElement("span");
        badge.className = "badge badge-below";
        badge.textContent = "未达目标";
        name.appendChild(badge);
      }
      cell(tr, row.district);
    }
    roles.forEach(function (r) { counts(tr, row.roles[r.role], targets); });
    counts(tr, row.total, targets);
    cell(tr, row.total.invalid, "num");
    cell(tr, row.total.today, "num");
    cell(tr, beijing(row.total.last_at));
    if (tag !== "th") {
      tr.className = (row.total.collected === 0 ? "zero" : "") + (below ? " below-target" : "");
    }
  }
  function render(data) {
    var body = document.createElement("tbody");
    data.rows.forEach(function (row) {
      var tr = document.createElement("tr");
      fill(tr, row, data.roles, data.has_targets);
      body.appendChild(tr);
    });
    table.replaceChild(body, table.tBodies[0]);
    var foot = document.createElement("tfoot");
    var tr = document.createElement("tr");
    fill(tr, data.total, data.roles, data.has_targets, "th");
    foot.appendChild(tr);
    table.replaceChild(foot, table.tFoot);
    var updated = document.getElementById("updated");
    if (updated) { updated.textContent = beijing(data.generated_at).slice(11) ; }
  }
  function refresh() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(render)
      .catch(function () { /* keep the last table; the next tick tries again */ });
  }
  setInterval(refresh, 30000);
  window.addEventListener("focus", refresh);   // back from another tab or window: fresh numbers at once
}());
