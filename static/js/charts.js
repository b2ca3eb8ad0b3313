// Render every plotly figure embedded as JSON in a data-figure attribute.
// A figure with a fixed width keeps it (its container scrolls); others follow their container.
// A figure with data-cell-links opens the link of the clicked cell's column.
(function () {
  "use strict";
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
      window.Plotly.newPlot(target, figure.data, figure.layout, {
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
