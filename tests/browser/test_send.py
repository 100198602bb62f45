"""Send in a real browser: a provider user inside a client sends a text and a 5 MiB file; a
logged-out recipient opens them from the link alone; tampered links, a wrong password and a used-up
Send all show one page; the browser module agrees with the Python crypto on the shared vectors."""
from __future__ import annotations

import base64
import hashlib
import json
import os
import uuid
from pathlib import Path

from playwright.sync_api import expect

from gateway.crypto.kdf import send_keys, send_password_proof
from gateway.crypto.stream import encrypt_stream
from tests.browser.steps import PASSWORD, add_client_and_manage, dialog, log_in
from tests.support import everything_stored, new_provider_admin

TEXT_CANARY = "Canary-Send-Text-4471 the alarm code is 9921"
UNAVAILABLE = "This Send does not exist or is no longer available."
VECTORS = json.loads((Path(__file__).resolve().parents[1] / "vectors" / "send_csf1.json").read_text())


def recipient(browser, system):
    """A second browser, logged out, as someone outside Custodian opening a link."""
    context = browser.new_context(base_url=system.url, locale="en-US", accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    # Chromium logs every 4xx answer as "Failed to load resource": those are the refusals the page
    # expects; anything else logged as an error, and any uncaught exception, is a fault.
    page.on("console", lambda message: errors.append(message.text) if message.type == "error"
            and not message.text.startswith("Failed to load resource") else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return context, page, errors


def new_text_send(page, name: str, text: str, **options) -> str:
    """New Send → Text, saved; the link shown on the Send's page."""
    page.get_by_role("link", name="New Send").click()
    page.get_by_role("radio", name="Text").check()
    page.get_by_label("Name").fill(name)
    page.get_by_role("textbox", name="Text").fill(text)
    if options.get("hidden"):
        page.get_by_label("When accessing the Send, hide the text by default").check()
    if options.get("password"):
        page.get_by_label("Password", exact=True).fill(options["password"])
    if options.get("max_access_count"):
        page.get_by_label("Maximum access count").fill(str(options["max_access_count"]))
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".toast")).to_contain_text("Send created.")
    return page.get_by_label("Send link").input_value()


def back_to_sends(page) -> None:
    page.get_by_role("navigation", name="Password Manager").get_by_role("link", name="Send").click()
    expect(page.get_by_role("heading", name="Send", exact=True)).to_be_visible()


def test_text_and_file_sends_reach_a_logged_out_recipient(browser, system, nats_server, page):
    admin_email = f"sender-{uuid.uuid4().hex[:8]}@tests.example"
    new_provider_admin(system, admin_email, PASSWORD)
    page.goto("/login")
    log_in(page, admin_email)
    add_client_and_manage(page, "Send Co", 5, f"owner-{uuid.uuid4().hex[:6]}@tests.example")

    # The client's owners may restrict Send; the provider's staff are exempt, as in Bitwarden.
    page.get_by_role("link", name="Policies").click()
    for policy, option in (("Remove Send", None), ("Send options", "Always show the member's email address")):
        page.get_by_role("link", name=f"Edit {policy}").click()
        form = dialog(page, policy)
        form.get_by_label("Turn on").check()
        if option:
            form.get_by_label(option).check()
        form.get_by_role("button", name="Save").click()
        expect(page.locator("table.policies tbody tr", has_text=policy)).to_contain_text("On")

    # From inside the client: its Sends, then New Send with the client chosen.
    page.get_by_role("navigation", name="Admin Console").get_by_role("link", name="Send").click()
    expect(page.get_by_text("There are no Sends to list.")).to_be_visible()
    link = new_text_send(page, "Alarm code", TEXT_CANARY, hidden=True, max_access_count=2)
    assert "#" in link and TEXT_CANARY not in link

    # The recipient, logged out, opens the link: the text hides behind Show.
    context, other, errors = recipient(browser, system)
    other.goto(link)
    expect(other.get_by_role("heading", name="Alarm code")).to_be_visible()
    expect(other.get_by_text(admin_email)).to_be_visible()
    assert TEXT_CANARY not in other.get_by_label("Text").input_value()
    other.get_by_role("button", name="Show").click()
    expect(other.get_by_label("Text")).to_have_value(TEXT_CANARY)

    # A changed character of the key, or a cut key: the one page, and nothing breaks.
    fragment = link.split("#", 1)[1]
    changed = fragment[:5] + ("A" if fragment[5] != "A" else "B") + fragment[6:]
    for broken in (link.split("#")[0] + "#" + changed, link.split("#")[0] + "#" + fragment[:12]):
        other.goto(broken)
        expect(other.get_by_text(UNAVAILABLE)).to_be_visible()
        expect(other.get_by_role("heading", name="Alarm code")).to_have_count(0)

    # The second access is the last one allowed; a third finds the one page.
    other.goto(link)
    expect(other.get_by_role("heading", name="Alarm code")).to_be_visible()
    other.reload()
    expect(other.get_by_text(UNAVAILABLE)).to_be_visible()

    # A password: asked for first; a wrong one gets the same page as anything else.
    back_to_sends(page)
    guarded = new_text_send(page, "Door code", "Canary-Door-5512", password="correct horse battery")
    other.goto(guarded)
    other.get_by_label("Password").fill("wrong horse")
    other.get_by_role("button", name="Continue").click()
    expect(other.get_by_text(UNAVAILABLE)).to_be_visible()
    other.goto("/")  # a fresh load of the link, as a person would do after a typo
    other.goto(guarded)
    other.get_by_label("Password").fill("correct horse battery")
    other.get_by_role("button", name="Continue").click()
    expect(other.get_by_label("Text")).to_have_value("Canary-Door-5512")

    # Remove password: the link opens without one.
    page.get_by_role("button", name="Remove password").click()
    expect(page.locator(".toast")).to_contain_text("Password removed.")
    other.goto("/")
    other.goto(guarded)
    expect(other.get_by_label("Text")).to_have_value("Canary-Door-5512")

    # A 5 MiB file, sealed as it streams through the gateway, downloaded and byte-equal.
    content = os.urandom(5 * 1024 * 1024 + 12345)
    back_to_sends(page)
    page.get_by_role("link", name="New Send").click()
    page.get_by_role("radio", name="File").check()
    page.get_by_label("Name").fill("Network diagram")
    page.locator("input[type=file]").set_input_files({"name": "diagram.bin", "mimeType": "application/octet-stream",
                                                      "buffer": content})
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".toast")).to_contain_text("Send created.", timeout=60_000)
    file_link = page.get_by_label("Send link").input_value()
    other.goto(file_link)
    expect(other.get_by_text("diagram.bin")).to_be_visible()
    with other.expect_download(timeout=60_000) as download:
        other.get_by_role("button", name="Download").click()
    assert download.value.suggested_filename == "diagram.bin"
    assert hashlib.sha256(Path(download.value.path()).read_bytes()).digest() == hashlib.sha256(content).digest()

    # The list: type, name, count, status; search by name; delete ends the link at once.
    back_to_sends(page)
    rows = page.locator("table.sends tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.filter(has_text="Alarm code")).to_contain_text("Limit reached")
    expect(rows.filter(has_text="Alarm code")).to_contain_text("Send Co")
    expect(rows.filter(has_text="Network diagram")).to_contain_text("File")
    page.get_by_label("Search Sends").fill("door")
    expect(rows).to_have_count(1)
    page.get_by_label("Search Sends").fill("")
    expect(rows).to_have_count(3)
    rows.filter(has_text="Door code").get_by_label("Options for Door code").click()
    rows.filter(has_text="Door code").get_by_role("button", name="Delete").click()
    page.get_by_role("dialog", name="Delete the Send Door code?").get_by_role("button", name="Delete").click()
    expect(page.locator(".toast")).to_contain_text("Send deleted.")
    expect(rows).to_have_count(2)
    other.goto("/")
    other.goto(guarded)
    expect(other.get_by_text(UNAVAILABLE)).to_be_visible()
    assert not errors, errors
    context.close()

    # Nothing any service stored, nor the files it keeps, holds the text or a slice of the file.
    stored = everything_stored(system, nats_server.store)
    slices = [content[i:i + 32] for i in range(0, len(content) - 32, len(content) // 16)]
    keys = [base64.urlsafe_b64decode(fragment + "==") for fragment in (link.split("#")[1], file_link.split("#")[1])]
    for blob in stored:
        assert TEXT_CANARY.encode() not in blob
        assert not any(piece in blob for piece in slices)
        assert not any(key in blob or base64.urlsafe_b64encode(key).rstrip(b"=") in blob for key in keys)
    logged = "".join(system.log)
    assert TEXT_CANARY not in logged and link.split("#")[1] not in logged and file_link.split("#")[1] not in logged
    send_files = [p.read_bytes() for p in (system.var_dir / "sends").rglob("*") if p.is_file()]
    assert send_files, "the file Send's ciphertext is stored in the Send store"
    for blob in send_files:
        assert not any(piece in blob for piece in slices)


def test_the_browser_module_opens_what_the_gateway_seals(browser, system):
    """The recipient's module and the Python reference agree: the CSF1 vectors, an EncString and a
    password proof; and a truncated or flipped file fails instead of yielding bytes."""
    context = browser.new_context(base_url=system.url)
    page = context.new_page()
    page.goto("/send/AAAAAAAAAAAAAAAAAAAAAA")  # any Send page loads the module
    send_key = bytes.fromhex(VECTORS["send_key_hex"])
    send_id = bytes.fromhex(VECTORS["send_id_hex"])
    prefix = bytes.fromhex(VECTORS["prefix_hex"])
    plain = bytes(range(256)) * VECTORS["plaintext_repeats"]
    sealed = b"".join(encrypt_stream(send_keys(send_key).file_key, send_id, [plain], prefix))
    assert hashlib.sha256(sealed).hexdigest() == VECTORS["ciphertext_sha256"]
    name = send_keys(send_key).content_key.encrypt_text("Zoë's diagram ✓")
    result = page.evaluate("""async ([key, id, prefix, sealed, size, name]) => {
        const m = await import('/static/send.js');
        const keys = await m.sendKeys(m.fromBase64(key));
        const reader = (bytes) => new Blob([bytes]).stream().getReader();
        const open = async (bytes) => {
            try {
                const chunks = await m.decryptFile(reader(bytes), keys.file, m.fromBase64(id), m.fromBase64(prefix), size);
                return m.toBase64(await crypto.subtle.digest('SHA-256', await new Blob(chunks).arrayBuffer()));
            } catch (error) { return error instanceof m.Unavailable ? 'unavailable' : String(error); }
        };
        const whole = m.fromBase64(sealed);
        const flipped = whole.slice(); flipped[70000] ^= 1;
        return {
            whole: await open(whole),
            truncated: await open(whole.slice(0, 65552 * 2)),
            flipped: await open(flipped),
            name: await m.openEncString(keys, name),
            proof: await m.passwordProof('correct horse battery', m.fromBase64(key)),
        };
    }""", [base64.b64encode(send_key).decode(), base64.b64encode(send_id).decode(),
           base64.b64encode(prefix).decode(), base64.b64encode(sealed).decode(), len(plain), name])
    assert base64.b64decode(result["whole"]).hex() == VECTORS["plaintext_sha256"]
    assert result["truncated"] == "unavailable" and result["flipped"] == "unavailable"
    assert result["name"] == "Zoë's diagram ✓"
    assert result["proof"] == send_password_proof("correct horse battery", send_key)
    context.close()


def test_a_file_send_right_after_logging_in_is_not_refused_as_an_expired_form(page, system):
    # Logging out and in renews the CSRF token; every step after the first log-in here is a boosted click,
    # never a page load, so the upload must send the token of the page it is on, not the one <body> kept.
    email = f"quick-{uuid.uuid4().hex[:8]}@tests.example"
    new_provider_admin(system, email, PASSWORD)
    page.goto("/login")
    log_in(page, email)
    add_client_and_manage(page, "Quick Co", 3, f"owner-{uuid.uuid4().hex[:6]}@tests.example")
    page.get_by_role("button", name="Log out").click()
    log_in(page, email)
    row = page.locator("table.clients tbody tr", has_text="Quick Co")
    row.get_by_label("Options for Quick Co").click()
    row.get_by_role("link", name="Manage", exact=True).click()
    page.get_by_role("navigation", name="Admin Console").get_by_role("link", name="Send").click()
    page.get_by_role("link", name="New Send").click()
    page.get_by_role("radio", name="File").check()
    page.get_by_label("Name").fill("Right after log-in")
    page.locator("input[type=file]").set_input_files({"name": "note.txt", "mimeType": "text/plain",
                                                      "buffer": b"hello"})
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".toast")).to_contain_text("Send created.", timeout=30_000)
