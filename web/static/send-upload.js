// New Send, File: the form says which file and its size; once the gateway has made the Send, the file
// goes up as the raw body of one PUT, which the gateway seals as it streams through (ADR 19 §4).
// The chosen file is kept here because htmx swaps the form out when the Send is made.

let chosenFile = null;

// The page's current token (base.html, on every page): <body>'s hx-headers may still hold the one of
// before a log-in.
function csrfToken() {
  return document.getElementById("csrf-token").dataset.token;
}

// Only the chosen type's fields are shown (without this module both are, and the server decides).
function showChosenType(form) {
  const chosen = form.querySelector('input[name="send_type"]:checked');
  if (!chosen) return;
  form.querySelectorAll("[data-send-section]").forEach((section) => {
    section.hidden = section.dataset.sendSection !== chosen.value;
  });
}

function prepare(scope) {
  scope.querySelectorAll("[data-send-form]").forEach(showChosenType);
}

document.addEventListener("change", (event) => {
  const form = event.target.closest("[data-send-form]");
  if (!form) return;
  if (event.target.name === "send_type") showChosenType(form);
  if (event.target.matches("[data-send-file]")) {
    chosenFile = event.target.files && event.target.files[0] ? event.target.files[0] : null;
    form.querySelector("[data-send-file-name]").value = chosenFile ? chosenFile.name : "";
    form.querySelector("[data-send-file-size]").value = chosenFile ? String(chosenFile.size) : "";
  }
});

function upload(section) {
  if (section.dataset.started) return;
  section.dataset.started = "1";
  const bar = section.querySelector("progress");
  const problem = section.querySelector("[data-send-upload-error]");
  const fail = (message) => { problem.textContent = message; problem.hidden = false; };
  if (!chosenFile) { fail(section.dataset.missing); return; }
  const request = new XMLHttpRequest();
  request.open("PUT", section.dataset.sendUpload);
  request.setRequestHeader("Content-Type", "application/octet-stream");
  request.setRequestHeader("X-CSRFToken", csrfToken());
  request.upload.addEventListener("progress", (event) => {
    if (event.lengthComputable) bar.value = Math.round((100 * event.loaded) / event.total);
  });
  request.addEventListener("load", () => {
    if (request.status === 200) {
      bar.value = 100;
      chosenFile = null;
      window.location.assign(section.dataset.sendDone);
      return;
    }
    let message = section.dataset.failed;
    try { message = JSON.parse(request.responseText).message || message; } catch (error) { /* not JSON */ }
    fail(message);
  });
  request.addEventListener("error", () => fail(section.dataset.failed));
  request.send(chosenFile);
}

function startUploads(scope) {
  scope.querySelectorAll("[data-send-upload]").forEach(upload);
}

document.addEventListener("htmx:afterSwap", (event) => { prepare(event.target); startUploads(event.target); });
document.addEventListener("htmx:load", (event) => prepare(event.target));
prepare(document);
startUploads(document);
