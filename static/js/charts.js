// Render every plotly figure embedded as JSON in a data-figure attribute.
// A figure with a fixed width keeps it (its container scrolls); others follow their container.
// A figure with data-cell-links opens the link of the clicked cell's column.
// A heatmap trace sent sparse (`cells` [row, column, code, label] and `hover` tables, as
// riskapp/figures/coverage_heatmap.py writes it) is expanded here into plotly's grid.
(function () {
  "use strict";
  function expand(trace) {
    if (!trace.cells) { return trace; }
    var hover = trace.hover, rows = trace.y.length, cols = trace.x.length;
    var z = [], customdata = [], i;
    for (i = 0; i < rows; i += 1) {
      z.push(new Array(cols).fill(null));
      customdata.push(new Array(cols).fill(null));
    }
    trace.cells.forEach(function (cell) {
      z[cell[0]][cell[1]] = cell[2];
      customdata[cell[0]][cell[1]] = [
        hover.rows[cell[0]], hover.columns[cell[1]], hover.labels[cell[3]], hover.status[cell[0]]
      ];
    });
    trace.z = z;
    trace.customdata = customdata;
    delete trace.cells;
    delete trace.hover;
    return trace;
  }
  function followLinks(target) {
    var raw = target.getAttribute("data-cell-links");
    if (!raw) { return; }
    var links = JSON.parse(raw);
    target.on("plotly_click", function (event) {
      var point = event && event.points && event.points[0];
      if (!point || point.z === null || point.z === undefined) { return; }
      var href = links[point.x];
      if (href) { window.location.assign(href); }
    });
  }
  function render() {
    if (!window.Plotly) { return; }
    document.querySelectorAll("[data-figure]").forEach(function (target) {
      var figure = JSON.parse(target.getAttribute("data-figure"));
      var fixed = Boolean(figure.layout && figure.layout.width);
      window.Plotly.newPlot(target, figure.data.map(expand), figure.layout, {
        responsive: !fixed, displaylogo: false, displayModeBar: false
      }).then(function () { followLinks(target); });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", render);
  } else {
    render();
  }
})();
