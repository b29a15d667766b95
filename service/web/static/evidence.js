/* Evidence on the audit page: a file chosen in the field (keyboard or mouse) or dropped on it
   is checked for size and type, then sent as the raw request body; the server answers with the
   question's evidence list, or its error in the user's language. A stored file moves the
   audit's version on by one, so the page's forms take it up (a larger step means someone else
   changed the audit, and the next save says so). A refused save of the section is shown too:
   htmx swaps only successful answers unless told. */
(function () {
  "use strict";
  function csrf() {
    var holder = document.querySelector("input[name=csrf]");
    return holder ? holder.value : "";
  }
  function refuse(zone, text) {
    var box = zone.querySelector(".field-error");
    box.textContent = text;
  }
  function send(zone, file) {
    var accepted = zone.dataset.accept.split(",");
    var dot = file.name.lastIndexOf(".");
    var suffix = dot >= 0 ? file.name.slice(dot).toLowerCase() : "";
    if (accepted.indexOf(suffix) < 0) { refuse(zone, zone.dataset.wrongType); return; }
    if (file.size > Number(zone.dataset.max)) { refuse(zone, zone.dataset.tooLarge); return; }
    refuse(zone, "");
    zone.querySelector(".hint").textContent = zone.dataset.sending;
    var block = zone.closest(".evidence");
    var url = zone.dataset.upload + "&filename=" + encodeURIComponent(file.name);
    fetch(url, {
      method: "POST",
      body: file,
      credentials: "same-origin",
      headers: { "Content-Type": "application/octet-stream", "X-CSRF-Token": csrf() }
    }).then(function (answer) {
      return answer.text();
    }).then(function (html) {
      var id = block.id;
      block.outerHTML = html;
      var fresh = document.getElementById(id);
      var version = fresh ? Number(fresh.dataset.version) : NaN;
      document.querySelectorAll("input[name=version]").forEach(function (field) {
        if (Number(field.value) + 1 === version) { field.value = String(version); }
      });
      var input = document.querySelector("#" + id + " input[type=file]");
      if (input) { input.focus(); }
    });
  }
  // A chosen file uploads at once; the change must not reach the answers' autosave.
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches(".dropzone input[type=file]")) { return; }
    event.stopPropagation();
    if (input.files.length) { send(input.closest(".dropzone"), input.files[0]); }
  }, true);
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status >= 400 && status < 500) { event.detail.shouldSwap = true; event.detail.isError = false; }
  });
  document.addEventListener("dragover", function (event) {
    var zone = event.target.closest && event.target.closest(".dropzone");
    if (zone) { event.preventDefault(); zone.classList.add("over"); }
  });
  document.addEventListener("dragleave", function (event) {
    var zone = event.target.closest && event.target.closest(".dropzone");
    if (zone) { zone.classList.remove("over"); }
  });
  document.addEventListener("drop", function (event) {
    var zone = event.target.closest && event.target.closest(".dropzone");
    if (!zone) { return; }
    event.preventDefault();
    zone.classList.remove("over");
    if (event.dataTransfer.files.length) { send(zone, event.dataTransfer.files[0]); }
  });
})();
