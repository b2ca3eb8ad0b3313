// Controls step: open a control's editor inside the table and save that one control in place.
// Without this script every link and form still works (the editor opens on a reload and a
// save redirects back); with it, a save sends only its own form, and only the editor and the
// table row of that control are redrawn, so what is typed in other editors stays as typed.
(function () {
  "use strict";
  var table = document.getElementById("control-table");
  if (!table) { return; }

  function fromHtml(html) {
    var tpl = document.createElement("template");
    tpl.innerHTML = html.trim();
    return tpl.content.firstElementChild;
  }

  function focusFirst(editor, selector) {
    var field = editor.querySelector(selector || "textarea, input:not([type=hidden]), select");
    if (field) { field.focus(); }
  }

  function openEditor(link) {
    var row = link.closest("tr");
    var ref = row.getAttribute("data-ref");
    var open = document.getElementById("editor-" + ref);
    if (open) { focusFirst(open); return; }
    fetch(link.getAttribute("data-editor"), {
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.text();
    }).then(function (html) {
      var editor = fromHtml(html);
      row.parentNode.insertBefore(editor, row.nextSibling);
      link.setAttribute("aria-expanded", "true");
      focusFirst(editor);
    }).catch(function () {
      window.location.href = link.href;  // fall back to the page with the editor open
    });
  }

  function replaceRow(ref, html) {
    var old = document.getElementById("row-" + ref);
    if (!old) { return; }
    var ticked = old.querySelector("input[type=checkbox]");
    var fresh = fromHtml(html);
    var box = fresh.querySelector("input[type=checkbox]");
    if (ticked && box) { box.checked = ticked.checked; }
    old.parentNode.replaceChild(fresh, old);
  }

  function save(form) {
    var editor = form.closest("tr.editor-row");
    var ref = editor.getAttribute("data-ref");
    var button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = true; }
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", "Accept": "application/json" }
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") === -1) { throw new Error(response.status); }
      return response.json();
    }).then(function (data) {
      var fresh = fromHtml(data.editor);
      editor.parentNode.replaceChild(fresh, editor);
      replaceRow(ref, data.row);
      var status = fresh.querySelector(".editor-status");
      if (status) { status.textContent = data.message; }
      if (!data.saved) { focusFirst(fresh, ".field.field-invalid textarea, .field.field-invalid input, .field.field-invalid select"); }
    }).catch(function () {
      if (button) { button.disabled = false; }
      form.submit();  // let the browser post it: the page comes back with the answer
    });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.open-editor, a.close-editor");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    event.preventDefault();
    if (link.classList.contains("open-editor")) { openEditor(link); return; }
    var editor = link.closest("tr.editor-row");
    var ref = editor.getAttribute("data-ref");
    editor.parentNode.removeChild(editor);
    var opener = document.querySelector("#row-" + CSS.escape(ref) + " a.open-editor");
    if (opener) { opener.setAttribute("aria-expanded", "false"); opener.focus(); }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.classList && form.classList.contains("control-form") && table.contains(form)) {
      event.preventDefault();
      save(form);
    }
  });

  var all = document.getElementById("pick-all");
  if (all) {
    all.hidden = false;
    all.addEventListener("change", function () {
      table.querySelectorAll("tr.control-row input[type=checkbox]").forEach(function (box) {
        box.checked = all.checked;
      });
    });
  }
})();
