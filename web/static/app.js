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

  // Toasts carried across a navigation arrive in the page (also after a boosted one): they fade too.
  function fadeArrivedToasts() {
    document.querySelectorAll("#toasts .toast:not([data-fading])").forEach(function (toast) {
      toast.setAttribute("data-fading", "");
      setTimeout(function () { toast.remove(); }, 5000);
    });
  }
  fadeArrivedToasts();
  document.addEventListener("htmx:afterSettle", fadeArrivedToasts);

  // Toasts come from the server in the HX-Trigger header: {"toast": "..."}.
  document.addEventListener("toast", function (event) {
    showToast(event.detail && event.detail.value);
  });

  // Every htmx request carries the CSRF token of the page as last loaded, not the one <body> got at the
  // first load: a log-in or log-out renews the token, and a boosted navigation keeps <body>'s attributes.
  document.addEventListener("htmx:configRequest", function (event) {
    var carrier = document.getElementById("csrf-token");
    if (carrier) event.detail.headers["X-CSRFToken"] = carrier.getAttribute("data-token");
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

  // Copy buttons: the value is in data-copy; say so with a toast, never in the console.
  document.addEventListener("click", function (event) {
    var copier = event.target.closest("[data-copy]");
    if (copier) {
      event.preventDefault();
      var done = function () { showToast(document.documentElement.lang === "fr" ? "Copié." : "Copied."); };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(copier.getAttribute("data-copy")).then(done, function () {
          showToast(document.documentElement.lang === "fr" ? "Copie impossible." : "Could not copy.");
        });
      }
      return;
    }
    var revealer = event.target.closest("[data-reveal]");
    if (revealer) {
      var secret = document.getElementById(revealer.getAttribute("data-reveal"));
      var mask = document.getElementById("mask-" + revealer.getAttribute("data-reveal"));
      if (!secret) return;
      var show = secret.hidden;
      secret.hidden = !show;
      if (mask) mask.hidden = show;
      revealer.setAttribute("aria-pressed", show ? "true" : "false");
      revealer.textContent = show ? (document.documentElement.lang === "fr" ? "Masquer" : "Hide")
                                  : (document.documentElement.lang === "fr" ? "Afficher" : "Show");
    }
  });

  // A file over the import limit is refused as soon as it is chosen, before any of it is sent;
  // the server refuses it too, with the same words, for whoever gets past this.
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[type=file][data-max-bytes]")) return;
    var error = document.getElementById(input.id + "-error");
    var tooLarge = Array.prototype.some.call(input.files || [], function (file) {
      return file.size > parseInt(input.getAttribute("data-max-bytes"), 10);
    });
    if (tooLarge) input.value = "";
    if (error) {
      error.textContent = tooLarge ? input.getAttribute("data-too-large") : "";
      error.hidden = !tooLarge;
    }
  });

  // A password being typed or generated is masked, and shown only while its button says so.
  function applyPasswordToggle(button) {
    var input = document.getElementById(button.getAttribute("data-toggle-password"));
    if (!input) return;
    var shown = button.getAttribute("aria-pressed") === "true";
    input.type = shown ? "text" : "password";
    var french = document.documentElement.lang === "fr";
    button.textContent = shown ? (french ? "Masquer" : "Hide") : (french ? "Afficher" : "Show");
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-toggle-password]");
    if (!button) return;
    button.setAttribute("aria-pressed", button.getAttribute("aria-pressed") === "true" ? "false" : "true");
    applyPasswordToggle(button);
  });
  // A generated password replaces the input: it keeps the state its button shows.
  document.addEventListener("htmx:afterSwap", function () {
    document.querySelectorAll("[data-toggle-password]").forEach(applyPasswordToggle);
  });

  // "Remove alice@…?": asked in the portal's own dialog, not the browser's confirm(). The question
  // comes from hx-confirm; the confirming button says what the form's own button says.
  function askInPage(question, action, proceed) {
    var french = document.documentElement.lang === "fr";
    var dialog = document.createElement("dialog");
    dialog.className = "dialog confirm-dialog";
    dialog.setAttribute("aria-labelledby", "confirm-question");
    var form = document.createElement("form");
    form.method = "dialog";
    var text = document.createElement("p");
    text.id = "confirm-question";
    text.textContent = question;
    var actions = document.createElement("div");
    actions.className = "actions";
    var cancel = document.createElement("button");
    cancel.value = "cancel";
    cancel.textContent = french ? "Annuler" : "Cancel";
    var confirm = document.createElement("button");
    confirm.value = "confirm";
    confirm.className = "danger";
    confirm.textContent = action || (french ? "Confirmer" : "Confirm");
    actions.appendChild(cancel);
    actions.appendChild(confirm);
    form.appendChild(text);
    form.appendChild(actions);
    dialog.appendChild(form);
    document.body.appendChild(dialog);
    dialog.addEventListener("close", function () {
      var confirmed = dialog.returnValue === "confirm";
      dialog.remove();
      if (confirmed) proceed();
    });
    dialog.showModal();
    cancel.focus();  // the safe choice first, as a person reads it
  }

  document.addEventListener("htmx:confirm", function (event) {
    if (!event.detail.question) return;  // no hx-confirm: htmx goes ahead as usual
    event.preventDefault();
    var button = event.detail.elt.querySelector && event.detail.elt.querySelector("button[type=submit], button");
    askInPage(event.detail.question, button && button.textContent.trim(), function () {
      event.detail.issueRequest(true);
    });
  });

  // TOTP countdowns: htmx fetches the next code when one expires; this only counts the seconds.
  setInterval(function () {
    document.querySelectorAll("[data-countdown]").forEach(function (counter) {
      var left = parseInt(counter.getAttribute("data-countdown"), 10) - 1;
      if (left >= 0) {
        counter.setAttribute("data-countdown", String(left));
        counter.textContent = String(left);
      }
    });
  }, 1000);
})();
