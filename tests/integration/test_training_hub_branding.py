"""A provider brands its clients' training hub (issue 16): name, support contact and a logo that orgs
checks for what it is and stores re-encoded; the hub's pages show them to anyone; a client's members
are sent the "Getting started" email of their provider's hub."""
from __future__ import annotations

import base64
import html
import io
import os
import re
import uuid
from email.header import decode_header, make_header

import pytest
import requests
from PIL import Image

from services.common.internal_http import NotAllowed, NotAuthenticated, NotFound, Refused
from tests.conftest import wait_for
from tests.support import StaffedProvider, Visitor, anonymous

HUB = re.compile(r'src="(/training/logo/[0-9a-f-]{36}/[0-9a-f]{16}\.png)"')


def image(width: int, height: int, kind: str = "PNG", **options) -> bytes:
    """A real image file of that size and format."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), (20, 110, 190)).save(out, format=kind, **options)
    return out.getvalue()


def noise_png(side: int) -> bytes:
    """A PNG that does not compress: about 3 bytes a pixel."""
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def msp(system):
    """A provider (admin and service user) with one client, for the whole module."""
    provider = StaffedProvider(system)
    provider.acme = provider.client(f"Acme {uuid.uuid4().hex[:6]}")
    return provider


def branding(msp, caller=None, provider_id=None) -> dict:
    return msp.backends.orgs.get(f"/providers/{provider_id or msp.provider_id}/training-hub", caller or anonymous())


def save(msp, body: dict, caller=None, provider_id=None) -> dict:
    payload = {"hub_name": "", "support_email": "", "support_url": "", **body}
    if isinstance(payload.get("logo"), bytes):
        payload["logo"] = base64.b64encode(payload["logo"]).decode()
    return msp.backends.orgs.call("PUT", f"/providers/{provider_id or msp.provider_id}/training-hub",
                                  caller or msp.admin.caller(), json=payload)


# --- saving and reading ----------------------------------------------------------------------------

def test_a_provider_admins_branding_is_saved_and_anyone_reads_it_and_nothing_else(msp):
    save(msp, {"hub_name": "  Acme   IT Academy ", "support_email": "Help@Acme-IT.example",
               "support_url": "https://help.acme-it.example/start", "logo": image(120, 60)})
    found = branding(msp)
    assert found == {"provider_id": msp.provider_id, "name": "Acme IT Academy", "hub_name": "Acme IT Academy",
                     "support_email": "help@acme-it.example", "support_url": "https://help.acme-it.example/start",
                     "logo_version": found["logo_version"]}
    assert re.fullmatch(r"[0-9a-f]{16}", found["logo_version"])


def test_without_a_hub_name_the_hub_shows_the_providers_name(msp, system):
    other = StaffedProvider(system)
    provider_name = other.backends.orgs.get("/me/providers", other.admin.caller())["providers"][0]["name"]
    assert branding(other)["name"] == provider_name and branding(other)["hub_name"] is None


def test_the_hub_pages_show_the_name_logo_and_support_contact_and_the_logo_is_served_safely(msp, system):
    save(msp, {"hub_name": "Acme IT Academy", "support_email": "help@acme-it.example",
               "support_url": "https://help.acme-it.example/", "logo": image(64, 64)})
    for path in ("/training", "/training/registration", "/training/videos"):
        page = requests.get(f"{system.url}{path}?provider={msp.provider_id}", timeout=10)
        assert page.status_code == 200, path
        text = html.unescape(page.text)
        assert "Acme IT Academy" in text and "mailto:help@acme-it.example" in text
        assert 'href="https://help.acme-it.example/"' in text and 'alt="Acme IT Academy logo"' in text
    logo_url = HUB.search(page.text).group(1)
    logo = requests.get(f"{system.url}{logo_url}", timeout=10)
    assert logo.status_code == 200
    assert logo.headers["Content-Type"] == "image/png"
    assert logo.headers["X-Content-Type-Options"] == "nosniff"
    assert "max-age=31536000" in logo.headers["Cache-Control"] and "no-store" not in logo.headers["Cache-Control"]
    assert Image.open(io.BytesIO(logo.content)).size == (64, 64)


def test_an_unknown_provider_or_logo_version_is_a_404(msp, system):
    unknown = str(uuid.uuid4())
    with pytest.raises(NotFound):
        branding(msp, provider_id=unknown)
    assert requests.get(f"{system.url}/training?provider={unknown}", timeout=10).status_code == 404
    assert requests.get(f"{system.url}/training/registration?provider={unknown}", timeout=10).status_code == 404
    assert requests.get(f"{system.url}/training/logo/{msp.provider_id}/0123456789abcdef.png",
                        timeout=10).status_code == 404
    assert requests.get(f"{system.url}/training/logo/{unknown}/0123456789abcdef.png", timeout=10).status_code == 404


def test_removing_the_logo_keeps_the_rest(msp):
    save(msp, {"hub_name": "Acme IT Academy", "logo": image(32, 32)})
    save(msp, {"hub_name": "Acme IT Academy", "remove_logo": True})
    assert branding(msp)["logo_version"] is None and branding(msp)["name"] == "Acme IT Academy"


# --- the logo is checked for what it is ------------------------------------------------------------

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><script>alert(1)</script></svg>'
BAD_LOGOS = {
    "too big": (noise_png(400), "training_hub.logo_too_large"),
    "an SVG": (SVG, "training_hub.logo_type"),
    "a text file named .png": (b"Just some text, whatever its name says.\n" * 20, "training_hub.logo_type"),
    "a GIF": (image(64, 64, "GIF"), "training_hub.logo_type"),
    "a 5000 x 10 PNG": (image(5000, 10), "training_hub.logo_dimensions"),
    "a 10 x 10 PNG": (image(10, 10), "training_hub.logo_dimensions"),
}


@pytest.mark.parametrize("label", BAD_LOGOS)
def test_a_bad_logo_is_refused_and_nothing_changes(msp, label):
    save(msp, {"hub_name": "Before", "logo": image(48, 48)})
    before = branding(msp)
    data, code = BAD_LOGOS[label]
    with pytest.raises(Refused) as refused:
        save(msp, {"hub_name": "After", "logo": data})
    assert refused.value.code == code and refused.value.field == "logo"
    assert branding(msp) == before


def test_a_jpeg_is_stored_as_a_png_without_its_exif_or_what_was_appended_to_it(msp, system):
    exif = Image.Exif()
    exif[0x010F] = "SpyCam Industries"  # Make
    exif[0x013B] = "Ada Lovelace"  # Artist
    photo = image(200, 100, "JPEG", exif=exif.tobytes()) + b"<script>alert('hidden')</script>"
    assert b"SpyCam" in photo
    save(msp, {"hub_name": "Acme IT Academy", "logo": photo})
    version = branding(msp)["logo_version"]
    served = requests.get(f"{system.url}/training/logo/{msp.provider_id}/{version}.png", timeout=10).content
    stored = Image.open(io.BytesIO(served))
    assert stored.format == "PNG" and stored.size == (200, 100)
    assert not stored.getexif() and "exif" not in stored.info
    assert b"SpyCam" not in served and b"Ada Lovelace" not in served and b"script" not in served


def test_a_pngs_text_chunks_and_colour_profile_are_not_kept(msp, system):
    from PIL import ImageCms
    from PIL.PngImagePlugin import PngInfo

    text = PngInfo()
    text.add_itxt("Comment", "secret note for whoever downloads the logo")
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    Image.new("RGBA", (50, 50), (0, 0, 0, 0)).save(out, format="PNG", pnginfo=text, icc_profile=profile)
    assert b"secret note" in out.getvalue()
    save(msp, {"hub_name": "Acme IT Academy", "logo": out.getvalue()})
    version = branding(msp)["logo_version"]
    served = requests.get(f"{system.url}/training/logo/{msp.provider_id}/{version}.png", timeout=10).content
    stored = Image.open(io.BytesIO(served))
    assert stored.mode == "RGBA" and stored.getpixel((3, 3)) == (0, 0, 0, 0)  # transparency is kept
    assert b"secret note" not in served and b"iCCP" not in served and b"iTXt" not in served
    assert "icc_profile" not in stored.info


# --- who may change it -----------------------------------------------------------------------------

def test_a_service_user_another_providers_admin_and_nobody_are_refused(msp, system):
    save(msp, {"hub_name": "Kept"})
    with pytest.raises(NotAllowed) as refused:
        save(msp, {"hub_name": "Service user's"}, caller=msp.service_user.caller())
    assert refused.value.code == "provider.admin_only"
    other = StaffedProvider(system)
    with pytest.raises(NotFound):
        save(msp, {"hub_name": "Someone else's"}, caller=other.admin.caller())
    with pytest.raises(NotAuthenticated):
        save(msp, {"hub_name": "Nobody's"}, caller=anonymous())
    assert branding(msp)["hub_name"] == "Kept"


def test_the_settings_page_is_for_provider_admins_and_names_every_wrong_field_at_once(msp):
    service_user = msp.visitor(msp.service_user)
    assert service_user.get(f"/providers/{msp.provider_id}/training-hub").status_code == 403
    admin = msp.visitor(msp.admin)
    page = admin.get(f"/providers/{msp.provider_id}/clients")
    assert f"/providers/{msp.provider_id}/training-hub" in page.text
    save(msp, {"hub_name": "Kept name"})
    path = f"/providers/{msp.provider_id}/training-hub"
    answer = admin.submit(path, {"hub_name": "x" * 51, "support_email": "not-an-address",
                                 "support_url": "http://help.example.com"},
                          files={"logo": ("logo.png", noise_png(400), "image/png")})
    assert answer.status_code == 422
    text = html.unescape(answer.text)
    for message in ("The hub name must be at most 50 characters.", "Enter a valid email address.",
                    "The support website must be an https:// address, such as https://help.example.com.",
                    "The logo must be at most 256 KiB."):
        assert message in text
    assert branding(msp)["hub_name"] == "Kept name"


def test_the_settings_page_saves_a_logo_and_shows_orgs_refusal_of_a_bad_one(msp):
    admin = msp.visitor(msp.admin)
    path = f"/providers/{msp.provider_id}/training-hub"
    saved = admin.submit(path, {"hub_name": "Form Academy", "support_email": "help@form.example",
                                "support_url": "https://form.example/help"},
                         files={"logo": ("logo.webp", image(80, 80, "WEBP"), "image/webp")})
    assert saved.status_code == 200 and "Training hub saved." in html.unescape(saved.text)
    version = branding(msp)["logo_version"]
    assert f"/training/logo/{msp.provider_id}/{version}.png" in saved.text
    refused = admin.submit(path, {"hub_name": "Renamed"},
                           files={"logo": ("logo.png", b"GIF89a but not really", "image/png")})
    assert refused.status_code == 422
    assert "The logo must be a PNG, JPEG or WebP image." in html.unescape(refused.text)
    assert branding(msp)["hub_name"] == "Form Academy" and branding(msp)["logo_version"] == version


def test_an_organization_names_its_managing_provider(msp):
    found = msp.backends.orgs.get(f"/organizations/{msp.acme.organization_id}", msp.admin.caller())
    assert found["managing_provider_id"] == msp.provider_id


# --- the "Getting started" email -------------------------------------------------------------------

def invite(msp, client, email: str) -> str:
    return msp.backends.orgs.post(f"/organizations/{client.organization_id}/members", msp.admin.caller(), {
        "emails": email, "role": "user", "permissions": []})["members"][0]["member_id"]


def test_the_getting_started_email_links_to_the_providers_registration_guide(msp, system, smtp):
    _controller, mailbox = smtp
    save(msp, {"hub_name": "Acme IT Academy"})
    first, second = (f"{who}-{uuid.uuid4().hex[:8]}@acme.example" for who in ("ines", "olaf"))
    ids = [invite(msp, msp.acme, first), invite(msp, msp.acme, second)]
    admin = msp.visitor(msp.admin)
    members_page = f"/organizations/{msp.acme.organization_id}/members"
    answer = admin.submit(members_page, {"action": "getting_started", "member_ids": ids},
                          action=f"{members_page}/bulk")
    assert answer.status_code == 200 and "Getting started email sent to 2 members." in html.unescape(answer.text)
    for email in (first, second):
        mail = wait_for(lambda: [m for m in mailbox.to(email) if m["Subject"].startswith("Getting started")],
                        message=f"the getting started email to {email}")[0]
        assert mail["Subject"] == "Getting started with Acme IT Academy"
        body = mail.get_payload(decode=True).decode().replace("\r\n", "\n")
        assert f"/training/registration?provider={msp.provider_id}\n" in body
        assert f"/training?provider={msp.provider_id}\n" in body
        assert "Acme IT Academy" in body


def test_the_getting_started_email_is_refused_for_nobody_someone_elses_members_too_many_and_a_user(msp, system):
    path = f"/organizations/{msp.acme.organization_id}/members/getting-started"
    with pytest.raises(Refused) as nobody:
        msp.backends.orgs.post(path, msp.admin.caller(), {"member_ids": []})
    assert nobody.value.code == "getting_started.nobody_selected"
    other = StaffedProvider(system)
    elsewhere = other.client("Elsewhere")
    theirs = other.backends.orgs.post(f"/organizations/{elsewhere.organization_id}/members", other.admin.caller(), {
        "emails": f"theirs-{uuid.uuid4().hex[:6]}@else.example", "role": "user", "permissions": []})["members"][0]
    with pytest.raises(NotFound) as foreign:
        msp.backends.orgs.post(path, msp.admin.caller(), {"member_ids": [theirs["member_id"]]})
    assert foreign.value.code == "getting_started.not_members"
    with pytest.raises(Refused) as many:
        msp.backends.orgs.post(path, msp.admin.caller(), {"member_ids": [str(uuid.uuid4()) for _ in range(101)]})
    assert many.value.code == "getting_started.too_many"
    user = msp.member(msp.acme, "ursula", "user")
    with pytest.raises((NotAllowed, NotFound)):
        msp.backends.orgs.post(path, user.caller(), {"member_ids": [theirs["member_id"]]})
    # The provider's service users manage members too, so they may send it.
    mine = invite(msp, msp.acme, f"sent-by-sam-{uuid.uuid4().hex[:6]}@acme.example")
    assert msp.backends.orgs.post(path, msp.service_user.caller(), {"member_ids": [mine]})["members"][0][
        "member_id"] == mine


def test_a_member_who_registered_in_french_gets_the_email_in_french(msp, system, smtp):
    _controller, mailbox = smtp
    email = f"chloe-{uuid.uuid4().hex[:8]}@acme.example"
    french = Visitor(system.url, language="fr")
    assert french.register(email, "Chloé", "getting-started-en-francais-7").status_code == 200
    member_id = invite(msp, msp.acme, email)
    msp.backends.orgs.post(f"/organizations/{msp.acme.organization_id}/members/getting-started", msp.admin.caller(),
                           {"member_ids": [member_id]})
    mail = wait_for(lambda: [m for m in mailbox.to(email) if "Bien" in str(make_header(decode_header(m["Subject"])))],
                    message="the French getting started email")[0]
    assert f"/training/registration?provider={msp.provider_id}" in mail.get_payload(decode=True).decode()


def test_choosing_english_in_the_portal_makes_the_next_email_english(msp, system, smtp):
    _controller, mailbox = smtp
    email = f"hugo-{uuid.uuid4().hex[:8]}@acme.example"
    visitor = Visitor(system.url, language="fr")
    visitor.register(email, "Hugo", "getting-started-in-english-8")
    visitor.log_in(email, "getting-started-in-english-8")
    visitor.submit("/account", {"language": "en", "next": "/"}, action="/language")
    member_id = invite(msp, msp.acme, email)
    msp.backends.orgs.post(f"/organizations/{msp.acme.organization_id}/members/getting-started", msp.admin.caller(),
                           {"member_ids": [member_id]})
    mail = wait_for(lambda: [m for m in mailbox.to(email) if "Getting started" in m["Subject"]
                             or "Bien" in str(make_header(decode_header(m["Subject"])))],
                    message="the getting started email")[0]
    assert mail["Subject"].startswith("Getting started with ")
