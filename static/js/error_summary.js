// The banner of a failed save: focus it when the page loads (so it is seen and read out),
// and move focus to a field when its link is followed, opening any closed section around it.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (!summary) { return; }
  function reveal(element) {
    for (var node = element.parentElement; node; node = node.parentElement) {
      if (node.tagName === "DETAILS" && !node.open) { node.open = true; }
    }
  }
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-focus]");
    if (!link) { return; }
    var field = document.getElementById(link.getAttribute("data-focus"));
    if (!field) { return; }
    event.preventDefault();
    reveal(field);
    field.scrollIntoView({ block: "center" });
    field.focus({ preventScroll: true });
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", "#" + field.id);
    }
  });
  if (!window.location.hash) { summary.focus(); }
}());
