// A page with one big form (the ratings table) and small ones beside it (your own risks):
// a small form marked data-carry="<id of the big form>" sends the big form's unsaved values
// along, so a page redrawn after a failed save shows every value as it was typed. When the
// small form's save succeeds, the page that follows puts the unsaved values back (they are
// kept for a minute in this tab's session storage) and says they still need saving.
(function () {
  "use strict";
  var KEY = "riskapp-unsaved:" + window.location.pathname;
  function fields(source) {
    return Array.prototype.filter.call(source.elements, function (element) {
      return element.name && element.name !== "csrf_token" && !element.disabled &&
        element.type !== "submit" && element.type !== "button";
    });
  }
  function carry(form) {
    var source = document.getElementById(form.getAttribute("data-carry"));
    if (!source) { return; }
    var kept = {};
    Array.prototype.forEach.call(form.querySelectorAll("input[data-carried]"), function (old) {
      old.remove();
    });
    fields(source).forEach(function (element) {
      var checkable = element.type === "checkbox" || element.type === "radio";
      kept[element.name] = checkable ? element.checked : element.value;
      if (checkable && !element.checked) { return; }
      var copy = document.createElement("input");
      copy.type = "hidden";
      copy.name = element.name;
      copy.value = element.value;
      copy.setAttribute("data-carried", "");
      form.appendChild(copy);
    });
    try {
      window.sessionStorage.setItem(KEY, JSON.stringify({ at: Date.now(), source: source.id, values: kept }));
    } catch (e) { /* storage refused: the failed-save path still works */ }
  }
  function restore() {
    var saved = null;
    try {
      saved = JSON.parse(window.sessionStorage.getItem(KEY) || "null");
      window.sessionStorage.removeItem(KEY);
    } catch (e) { return; }
    // a failed save already shows what was sent; an old draft is not put back
    if (!saved || document.getElementById("error-summary") || Date.now() - saved.at > 60000) { return; }
    var source = document.getElementById(saved.source);
    if (!source) { return; }
    var changed = 0;
    fields(source).forEach(function (element) {
      if (!Object.prototype.hasOwnProperty.call(saved.values, element.name)) { return; }
      var value = saved.values[element.name];
      var checkable = element.type === "checkbox" || element.type === "radio";
      if (checkable ? element.checked === value : element.value === value) { return; }
      if (checkable) { element.checked = value; } else { element.value = value; }
      element.dispatchEvent(new Event("change", { bubbles: true }));
      changed += 1;
    });
    if (changed) {
      var note = document.createElement("p");
      note.className = "flash flash-warning";
      note.id = "unsaved-kept";
      note.setAttribute("role", "status");
      note.textContent = changed + " unsaved change" + (changed === 1 ? " is" : "s are") +
        " kept below; save them with this form's save button.";
      source.insertBefore(note, source.firstChild);
    }
  }
  Array.prototype.forEach.call(document.querySelectorAll("form[data-carry]"), function (form) {
    form.addEventListener("submit", function () { carry(form); });
  });
  restore();
}());
