// A page with one big form (the ratings table) and small ones beside it (your own risks):
// a small form marked data-carry="<id of the big form>" sends the big form's unsaved values
// along, so a page redrawn after a failed save shows every value as it was typed.
(function () {
  "use strict";
  function carry(form) {
    var source = document.getElementById(form.getAttribute("data-carry"));
    if (!source) { return; }
    Array.prototype.forEach.call(form.querySelectorAll("input[data-carried]"), function (old) {
      old.remove();
    });
    Array.prototype.forEach.call(source.elements, function (element) {
      if (!element.name || element.name === "csrf_token" || element.disabled) { return; }
      if ((element.type === "checkbox" || element.type === "radio") && !element.checked) { return; }
      if (element.type === "submit" || element.type === "button") { return; }
      var copy = document.createElement("input");
      copy.type = "hidden";
      copy.name = element.name;
      copy.value = element.value;
      copy.setAttribute("data-carried", "");
      form.appendChild(copy);
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("form[data-carry]"), function (form) {
    form.addEventListener("submit", function () { carry(form); });
  });
}());
