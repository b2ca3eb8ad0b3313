// Render every plotly figure embedded as JSON in a data-figure attribute.
(function () {
  "use strict";
  function render() {
    document.querySelectorAll("[data-figure]").forEach(function (target) {
      if (!window.Plotly) { return; }
      var figure = JSON.parse(target.getAttribute("data-figure"));
      window.Plotly.newPlot(target, figure.data, figure.layout, { responsive: true, displaylogo: false, displayModeBar: false });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", render);
  } else {
    render();
  }
})();
