// Small behaviours htmx does not cover. No inline script anywhere: CSP is script-src 'self'.
(function () {
  "use strict";

  function showToast(message) {
    var box = document.getElementById("toasts");
    if (!box || !message) return;
    var toast = document.createElement("p");
    toast.className = "toast";
    toast.textContent = message;
    box.appendChild(toast);
    setTimeout(function () { toast.remove(); }, 5000);
  }

  // Toasts come from the server in the HX-Trigger header: {"toast": "..."}.
  document.addEventListener("toast", function (event) {
    showToast(event.detail && event.detail.value);
  });

  // A dialog swapped in by htmx becomes modal, so focus stays inside it.
  document.addEventListener("htmx:afterSwap", function (event) {
    var dialog = event.target.querySelector && event.target.querySelector("dialog[open]");
    if (dialog && !dialog.matches(":modal") && dialog.showModal) {
      dialog.close();
      dialog.showModal();
    }
    document.querySelectorAll("details.row-menu[open]").forEach(function (menu) { menu.open = false; });
  });

  document.addEventListener("click", function (event) {
    var closer = event.target.closest(".close-dialog");
    var holder = closer && closer.closest("#dialog");
    if (holder && !holder.hasAttribute("data-standalone")) {
      event.preventDefault();
      holder.innerHTML = "";
      return;
    }
    document.querySelectorAll("details.row-menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.open = false;
    });
  });

  document.addEventListener("cancel", function (event) {
    // Escape on a modal dialog: empty its container so it can be opened again.
    var holder = event.target.closest && event.target.closest("#dialog");
    if (holder && !holder.hasAttribute("data-standalone")) { event.preventDefault(); holder.innerHTML = ""; }
  }, true);

  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    showToast(status === 403 ? (document.documentElement.lang === "fr" ? "Action non autorisée." : "Not allowed.")
                             : (document.documentElement.lang === "fr" ? "Une erreur est survenue. Réessayez."
                                                                        : "Something went wrong. Try again."));
  });
})();
