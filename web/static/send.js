// The recipient's page of a Send (ADR 19 §2): the key is in the link's fragment, which the browser
// never sends; everything is decrypted here with WebCrypto. Text goes into the page only as text.
// Every failure (unknown, expired, wrong password, tampered link or file) shows the same message.

const CHUNK = 64 * 1024;
const TAG = 16;
const CIPHER_CHUNK = CHUNK + TAG;
const encoder = new TextEncoder();

export class Unavailable extends Error {}

export function fromBase64Url(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Unavailable("bad base64url");
  return fromBase64(text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4));
}

export function fromBase64(text) {
  let binary;
  try { binary = atob(text); } catch (error) { throw new Unavailable("bad base64"); }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function toBase64(bytes) {
  let binary = "";
  for (const byte of new Uint8Array(bytes)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function concat(...parts) {
  const joined = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) { joined.set(part, at); at += part.length; }
  return joined;
}

function uint32(value) {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value);
  return bytes;
}

async function hkdfBits(sendKey, info, bits) {
  const material = await crypto.subtle.importKey("raw", sendKey, "HKDF", false, ["deriveBits"]);
  return new Uint8Array(await crypto.subtle.deriveBits(
    { name: "HKDF", hash: "SHA-256", salt: encoder.encode("bitwarden-send"), info: encoder.encode(info) },
    material, bits));
}

// The content key (EncString type 2: AES-256-CBC + HMAC-SHA256) and the CSF1 file key.
export async function sendKeys(sendKey) {
  if (sendKey.length !== 16) throw new Unavailable("bad send key");
  const content = await hkdfBits(sendKey, "send", 512);
  const fileBits = await hkdfBits(sendKey, "custodian-send-file-v1", 256);
  return {
    // Shown to the server so that knowing a Send's id (URLs, logs) is not enough to use up its accesses.
    accessToken: toBase64(await hkdfBits(sendKey, "custodian-send-access-v1", 256)),
    enc: await crypto.subtle.importKey("raw", content.slice(0, 32), "AES-CBC", false, ["decrypt"]),
    mac: await crypto.subtle.importKey("raw", content.slice(32), { name: "HMAC", hash: "SHA-256" }, false,
                                       ["verify"]),
    file: await crypto.subtle.importKey("raw", fileBits, "AES-GCM", false, ["decrypt"]),
  };
}

// "2.iv|ciphertext|mac": the MAC is checked (in constant time, by WebCrypto) before decrypting.
export async function openEncString(keys, encString) {
  const match = /^2\.([A-Za-z0-9+/=]+)\|([A-Za-z0-9+/=]+)\|([A-Za-z0-9+/=]+)$/.exec(encString || "");
  if (!match) throw new Unavailable("not an EncString");
  const [iv, data, mac] = match.slice(1).map(fromBase64);
  if (iv.length !== 16 || mac.length !== 32) throw new Unavailable("bad EncString");
  if (!(await crypto.subtle.verify("HMAC", keys.mac, mac, concat(iv, data)))) throw new Unavailable("bad MAC");
  const plain = await crypto.subtle.decrypt({ name: "AES-CBC", iv }, keys.enc, data);
  return new TextDecoder("utf-8", { fatal: true }).decode(plain);
}

// What a password becomes before it leaves this page (the gateway computes the same at creation).
export async function passwordProof(password, sendKey) {
  const material = await crypto.subtle.importKey("raw", encoder.encode(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt: sendKey, iterations: 100000 }, material, 256);
  return toBase64(bits);
}

export function chunkCount(size) {
  return Math.max(1, Math.ceil(size / CHUNK));
}

// CSF1: chunk i is AES-256-GCM, nonce prefix‖uint32(i), AAD "CSF1"‖id‖uint32(i)‖final.
async function openChunk(fileKey, sendId, prefix, index, final, sealed) {
  const counter = uint32(index);
  const aad = concat(encoder.encode("CSF1"), sendId, counter, new Uint8Array([final ? 1 : 0]));
  try {
    return new Uint8Array(await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: concat(prefix, counter), additionalData: aad, tagLength: 128 }, fileKey, sealed));
  } catch (error) {
    throw new Unavailable("chunk failed authentication");
  }
}

// The plaintext chunks of a CSF1 stream read from `reader`, for a file of `size` bytes.
export async function decryptFile(reader, fileKey, sendId, prefix, size) {
  const count = chunkCount(size);
  const chunks = [];
  let buffer = new Uint8Array(0);
  let index = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (value) buffer = concat(buffer, value);
    while (buffer.length > CIPHER_CHUNK || (buffer.length === CIPHER_CHUNK && index < count - 1)) {
      if (index >= count - 1) throw new Unavailable("more chunks than the size says");
      chunks.push(await openChunk(fileKey, sendId, prefix, index, false, buffer.slice(0, CIPHER_CHUNK)));
      buffer = buffer.slice(CIPHER_CHUNK);
      index += 1;
    }
    if (done) break;
  }
  if (index !== count - 1 || buffer.length < TAG) throw new Unavailable("the file ended early");
  chunks.push(await openChunk(fileKey, sendId, prefix, index, true, buffer));
  const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  if (total !== size) throw new Unavailable("size mismatch");
  return chunks;
}

function humanSize(size) {
  const units = [["GiB", 1 << 30], ["MiB", 1 << 20], ["KiB", 1 << 10]];
  for (const [unit, scale] of units) {
    if (size >= scale) return `${(size / scale).toFixed(1).replace(/\.0$/, "")} ${unit}`;
  }
  return `${size} B`;
}

async function post(path, accessToken, proof) {
  return fetch(path, {
    method: "POST", credentials: "same-origin", cache: "no-store",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ access_token: accessToken, password: proof }),
  });
}

function page(root) {
  const find = (name) => root.querySelector(`[data-${name}]`);
  const show = (name, visible = true) => { find(name).hidden = !visible; };
  return {
    find, show,
    unavailable() {
      show("send-loading", false); show("send-password-form", false); show("send-content", false);
      show("send-unavailable");
    },
    busy() {
      show("send-loading", false);
      const box = find("send-unavailable");
      box.firstElementChild.textContent = root.dataset.busy;
      box.hidden = false;
    },
  };
}

async function open(root) {
  const view = page(root);
  if (!window.isSecureContext || !crypto.subtle) {
    view.show("send-loading", false); view.show("send-insecure");
    return;
  }
  const sendId = root.dataset.sendId;
  let sendKey, keys, idBytes;
  try {
    if (!/^[A-Za-z0-9_-]{22}$/.test(sendId)) throw new Unavailable("bad id");
    idBytes = fromBase64Url(sendId);
    sendKey = fromBase64Url(location.hash.slice(1));
    if (location.hash.length !== 23) throw new Unavailable("bad key");
    keys = await sendKeys(sendKey);
  } catch (error) {
    view.unavailable();
    return;
  }
  const base = `/send/${sendId}`;
  let proof = null;

  async function access() {
    let answer;
    try { answer = await post(`${base}/access`, keys.accessToken, proof); } catch (error) { view.busy(); return; }
    if (answer.status === 401 && proof === null) {
      view.show("send-loading", false); view.show("send-password-form");
      view.find("send-password-form").querySelector("input").focus();
      return;
    }
    if (answer.status === 503) { view.busy(); return; }
    if (!answer.ok) { view.unavailable(); return; }
    try {
      await reveal(await answer.json());
    } catch (error) {
      view.unavailable();
    }
  }

  async function reveal(send) {
    view.find("send-name").textContent = await openEncString(keys, send.name);
    if (send.type === "text") {
      const area = view.find("send-text");
      const text = send.text ? await openEncString(keys, send.text) : "";
      const toggle = view.find("send-toggle");
      const showText = (visible) => {
        area.value = visible ? text : "•".repeat(Math.min(text.length, 40));
        toggle.textContent = visible ? root.dataset.hide : root.dataset.show;
        toggle.setAttribute("aria-pressed", String(visible));
      };
      showText(!send.text_hidden);
      toggle.hidden = !send.text_hidden;
      toggle.addEventListener("click", () => showText(toggle.getAttribute("aria-pressed") !== "true"));
      view.find("send-copy").addEventListener("click", () => navigator.clipboard && navigator.clipboard.writeText(text));
      view.show("send-text-block");
    } else {
      const fileName = await openEncString(keys, send.file.name);
      view.find("send-file-name").textContent = fileName;
      view.find("send-file-size").textContent = humanSize(send.file.size);
      view.find("send-download").addEventListener("click", () => download(send, fileName));
      view.show("send-file-block");
    }
    view.find("send-creator").textContent = send.creator_email
      ? root.dataset.sentBy.replace("{email}", send.creator_email) : root.dataset.emailHidden;
    view.find("send-expiration").textContent = send.expiration_date
      ? root.dataset.expires.replace("{date}", send.expiration_date.slice(0, 16).replace("T", " ")) : "";
    view.show("send-loading", false); view.show("send-password-form", false); view.show("send-content");
  }

  async function download(send, fileName) {
    const button = view.find("send-download");
    button.disabled = true;
    view.show("send-downloading");
    try {
      const answer = await post(`${base}/file`, keys.accessToken, proof);
      if (answer.status === 503) { view.busy(); return; }
      if (!answer.ok) throw new Unavailable("refused");
      const chunks = await decryptFile(answer.body.getReader(), keys.file, idBytes, fromBase64(send.file.prefix),
                                       send.file.size);
      const url = URL.createObjectURL(new Blob(chunks, { type: "application/octet-stream" }));
      const link = document.createElement("a");
      link.href = url;
      link.download = fileName;
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
    } catch (error) {
      view.unavailable();
    } finally {
      button.disabled = false;
      view.show("send-downloading", false);
    }
  }

  view.find("send-password-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const password = view.find("send-password-form").querySelector("input").value;
    if (!password) return;
    proof = await passwordProof(password, sendKey);
    await access();
  });
  await access();
}

const root = document.getElementById("send-access");
if (root) {
  // Another link to the same Send differs only after the "#": the browser keeps the page, so start over.
  window.addEventListener("hashchange", () => location.reload());
  open(root);
}
