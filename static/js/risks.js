// Risks step: re-score a row as its likelihood or impact changes, before anything is saved.
// The score is likelihood × impact; its band comes from the organisation's bands on the table.
(function () {
  "use strict";
  var table = document.querySelector("table.risk-table[data-bands]");
  if (!table) { return; }
  var bands = JSON.parse(table.getAttribute("data-bands"));
  function bandOf(score) {
    for (var i = 0; i < bands.length; i += 1) {
      if (bands[i].low <= score && score <= bands[i].high) { return bands[i].name; }
    }
    return "";
  }
  function rescore(row) {
    var l = row.querySelector("select[name^='l-']");
    var i = row.querySelector("select[name^='i-']");
    var cell = row.querySelector("[data-inherent]");
    if (!l || !i || !cell) { return; }
    var score = parseInt(l.value, 10) * parseInt(i.value, 10);
    if (!score) { return; }
    var band = bandOf(score);
    cell.textContent = score + " " + band;
    cell.className = "score band-" + band;
  }
  table.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.tagName === "SELECT") {
      var row = target.closest("tr");
      if (row) { rescore(row); }
    }
  });
}());
