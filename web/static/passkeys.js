// Passkeys and security keys (ADR 22): the browser's half of WebAuthn. Identity makes the options and
// verifies the answers; the gateway relays both as JSON. Bytes travel as base64url, as py_webauthn
// reads and writes them. Loaded on every page (base.html), it acts on what htmx swaps in too:
//  - Read key, in the Passkey dialog (form[data-passkey-register]): fetch the options (the master
//    password proves the owner), navigator.credentials.create(), keep the answer for Save;
//  - the second step of a log-in (form[data-passkey-login], not boosted): fetch the options,
//    navigator.credentials.get(), then submit the form with the assertion.
// Every failure is said in the form's alert, in the page's language (the texts are its data-*).

export function fromBase64Url(text) {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function toBase64Url(buffer) {
  let binary = "";
  for (const byte of new Uint8Array(buffer)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

const withIds = (descriptors) => (descriptors || []).map((d) => ({ ...d, id: fromBase64Url(d.id) }));

export function creationOptions(json) {
  return { ...json, challenge: fromBase64Url(json.challenge), user: { ...json.user, id: fromBase64Url(json.user.id) },
           excludeCredentials: withIds(json.excludeCredentials) };
}

export function requestOptions(json) {
  return { ...json, challenge: fromBase64Url(json.challenge), allowCredentials: withIds(json.allowCredentials) };
}

function common(credential) {
  return { id: credential.id, rawId: toBase64Url(credential.rawId), type: credential.type,
           clientExtensionResults: credential.getClientExtensionResults ? credential.getClientExtensionResults() : {},
           authenticatorAttachment: credential.authenticatorAttachment || null };
}

export function registrationJSON(credential) {
  const response = credential.response;
  return { ...common(credential), response: {
    clientDataJSON: toBase64Url(response.clientDataJSON), attestationObject: toBase64Url(response.attestationObject),
    transports: typeof response.getTransports === "function" ? response.getTransports() : [] } };
}

export function assertionJSON(credential) {
  const response = credential.response;
  return { ...common(credential), response: {
    clientDataJSON: toBase64Url(response.clientDataJSON), authenticatorData: toBase64Url(response.authenticatorData),
    signature: toBase64Url(response.signature),
    userHandle: response.userHandle ? toBase64Url(response.userHandle) : null } };
}

class Refusal extends Error {
  constructor(message, field, restart) {
    super(message);
    this.field = field;
    this.restart = restart;
  }
}

// The form's own token: <body hx-headers> keeps the one of the page first loaded, which a log-in or a
// log-out since (boosted: only the body's content was swapped) has made stale.
function csrfToken(form) {
  const field = form.elements.namedItem("csrf_token");
  return field ? field.value : "";
}

async function optionsFrom(form, url, fields) {
  let response;
  try {
    response = await fetch(url, { method: "POST", body: new URLSearchParams(fields), credentials: "same-origin",
                                  headers: { "X-CSRFToken": csrfToken(form), Accept: "application/json" } });
  } catch (error) {
    throw new Refusal(form.dataset.passkeyBusy);
  }
  let answer = {};
  try { answer = await response.json(); } catch (error) { answer = {}; }
  if (!response.ok || !answer.options) {
    throw new Refusal(answer.message || form.dataset.passkeyBusy, answer.field, answer.restart);
  }
  return answer.options;
}

// What went wrong, as the person can act on it. Browsers say NotAllowedError for a cancel, a timeout
// and a key that is not one of the account's alike: all the page can say is to try again.
function explain(form, error) {
  if (error instanceof Refusal) return error.message;
  switch (error && error.name) {
    case "NotAllowedError":
    case "AbortError": return form.dataset.passkeyCancelled;
    case "InvalidStateError": return form.dataset.passkeyKnown;
    case "SecurityError": return elsewhere(form);
    default: return form.dataset.passkeyFailed;
  }
}

function elsewhere(form) {
  return form.dataset.passkeyElsewhere.replace("{origin}", form.dataset.passkeyOrigin);
}

function say(form, status, problem) {
  const line = form.querySelector("[data-passkey-status]");
  const alert = form.querySelector("[data-passkey-error]");
  if (line) line.textContent = status || "";
  if (alert) {
    alert.textContent = problem || "";
    alert.hidden = !problem;
  }
}

// Refused before anything is asked of the browser or the server: no WebAuthn, or not the portal's address.
function unusable(form) {
  if (!window.PublicKeyCredential || !navigator.credentials || !window.isSecureContext) {
    return form.dataset.passkeyUnsupported;
  }
  if (form.dataset.passkeyOrigin && window.location.origin !== form.dataset.passkeyOrigin) return elsewhere(form);
  return "";
}

async function readKey(form, button) {
  const problem = unusable(form);
  if (problem) { say(form, "", problem); return; }
  const save = form.querySelector("[data-passkey-save]");
  const password = form.elements.namedItem("master_password");
  button.disabled = true;
  say(form, form.dataset.passkeyReading, "");
  try {
    const options = await optionsFrom(form, form.dataset.passkeyRegister, { master_password: password ? password.value : "" });
    const credential = await navigator.credentials.create({ publicKey: creationOptions(options) });
    form.querySelector("[data-passkey-credential]").value = JSON.stringify(registrationJSON(credential));
    if (password) password.value = "";  // it has done its work: Save does not send it
    save.disabled = false;
    say(form, form.dataset.passkeyReadDone, "");
    save.focus();
  } catch (error) {
    say(form, "", explain(form, error));
    if (error instanceof Refusal && error.field && form.elements.namedItem(error.field)) {
      form.elements.namedItem(error.field).focus();
    }
  } finally {
    button.disabled = false;
  }
}

async function signIn(form) {
  const problem = unusable(form);
  if (problem) { say(form, "", problem); return; }
  const buttons = form.querySelectorAll("button");
  buttons.forEach((button) => { button.disabled = true; });
  say(form, form.dataset.passkeyReading, "");
  try {
    const options = await optionsFrom(form, form.dataset.passkeyLogin, {});
    const credential = await navigator.credentials.get({ publicKey: requestOptions(options) });
    form.querySelector("[data-passkey-assertion]").value = JSON.stringify(assertionJSON(credential));
    form.submit();  // a plain submission: no submit event, the page the log-in leads to loads whole
  } catch (error) {
    say(form, "", explain(form, error));
    buttons.forEach((button) => { button.disabled = false; });
    if (error instanceof Refusal && error.restart) window.location.assign(error.restart);
  }
}

document.addEventListener("click", (event) => {
  const button = event.target.closest && event.target.closest("[data-passkey-read]");
  const form = button && button.closest("form[data-passkey-register]");
  if (!form) return;
  event.preventDefault();
  readKey(form, button);
});

document.addEventListener("submit", (event) => {
  const form = event.target.closest && event.target.closest("form[data-passkey-login]");
  if (!form) return;
  event.preventDefault();
  signIn(form);
});
