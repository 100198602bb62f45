"""The training videos about the vault: save and share an item, import one's data, use Send."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from playwright.sync_api import expect

from .people import CLIENT, COLLECTION, fresh_account, member_of_client
from .recording import VIEWPORT, highlight
from .takes import LOOK_MS, Step, Take, Video


def _share_prepare(take: Take) -> None:
    take.notes["email"] = member_of_client(take, "robin.leroy", "Robin Leroy")


def _new_item(take: Take) -> None:
    take.shot(1000)
    take.click(take.page.get_by_role("link", name="New item"))
    take.notes["dialog"] = take.page.get_by_role("dialog", name="New item")


def _name_and_username(take: Take) -> None:
    item = take.notes["dialog"]
    take.look(item.get_by_label("Type"))
    take.fill(item.get_by_label("Name", exact=True), "Newsletter platform")
    take.fill(item.get_by_label("Username"), "marketing@my-client.example")


def _generate(take: Take) -> None:
    item = take.notes["dialog"]
    take.click(item.get_by_role("button", name="Generate password"), ms=LOOK_MS)
    expect(item.get_by_label("Password", exact=True)).not_to_have_value("")
    take.click(item.get_by_role("button", name="Show", exact=True))


def _website(take: Take) -> None:
    item = take.notes["dialog"]
    take.click(item.get_by_role("button", name="Add website"), ms=LOOK_MS)
    take.fill(item.get_by_label("Website 1", exact=True), "https://newsletter.example.com")


def _save_item(take: Take) -> None:
    item = take.notes["dialog"]
    take.click(item.get_by_role("button", name="Save"), ms=1600)
    expect(take.page.locator(".toast")).to_contain_text("Newsletter platform was saved.")


def _open_share(take: Take) -> None:
    page = take.page
    close = page.get_by_role("dialog").get_by_role("link", name="Close")
    if close.count():
        take.click(close, ms=LOOK_MS)
    row = page.locator("#own-items ~ table tbody tr", has_text="Newsletter platform")
    take.click(row.get_by_label("Options for Newsletter platform"), ms=LOOK_MS)
    take.click(row.get_by_role("link", name="Share"))
    expect(page.get_by_role("dialog", name="Share Newsletter platform")).to_be_visible()


def _share(take: Take) -> None:
    share = take.page.get_by_role("dialog", name="Share Newsletter platform")
    choice = share.get_by_label(f"{CLIENT} / {COLLECTION}").or_(share.get_by_label(COLLECTION, exact=True))
    take.look(choice)
    choice.check()
    take.shot(LOOK_MS)
    take.click(share.get_by_role("button", name="Share"), ms=1600)
    expect(take.page.locator(".toast")).to_contain_text("Newsletter platform is now shared.")


def _shared(take: Take) -> None:
    section = take.page.locator("section", has_text=CLIENT).filter(has_text="Newsletter platform").last
    highlight(section.locator("tr", has_text="Newsletter platform"))
    take.shot(1600)


SAVE_AND_SHARE = Video(
    "save-and-share-an-item", "Save and share an item", "Enregistrer et partager un élément",
    _share_prepare, (
        Step("In your vault, choose New item.",
             "Dans votre coffre, choisissez Nouvel élément.",
             _new_item),
        Step("Keep the type Login, then give the item a name and enter your username.",
             "Gardez le type Identifiant, puis donnez un nom à l'élément et saisissez votre nom d'utilisateur.",
             _name_and_username),
        Step("Choose Generate password for a strong, unique password; Show lets you check it.",
             "Choisissez Générer un mot de passe pour obtenir un mot de passe fort et unique ; Afficher permet "
             "de le vérifier.",
             _generate),
        Step("Add the website where you use it.",
             "Ajoutez le site web où vous l'utilisez.",
             _website),
        Step("Choose Save: the item is stored encrypted in your vault.",
             "Choisissez Enregistrer : l'élément est chiffré dans votre coffre.",
             _save_item),
        Step("To share it with your team, open the item's options and choose Share.",
             "Pour le partager avec votre équipe, ouvrez les options de l'élément et choisissez Partager.",
             _open_share),
        Step("Pick the organization's collection to share it into, then choose Share.",
             "Choisissez la collection de l'organisation où le partager, puis choisissez Partager.",
             _share),
        Step("The item now belongs to the organization: everyone with access to that collection sees it.",
             "L'élément appartient désormais à l'organisation : tous ceux qui ont accès à cette collection "
             "le voient.",
             _shared),
    ), poster=4)


CHROME_EXPORT = ("name,url,username,password,note\n"
                 "Webmail,https://mail.example.com/,alex@example.com,Ketchup-Orbit-Lamp-71,\n"
                 "Team chat,https://chat.example.com/login,alex,Velvet-Harbor-Quiz-28,\n"
                 "Bank,https://bank.example.com/,123456789,Mosaic-Tulip-Anchor-54,Card PIN is not here\n")


def _import_prepare(take: Take) -> None:
    fresh_account(take, "jordan.petit", "Jordan Petit")
    export = Path(tempfile.mkdtemp(prefix="custodian-import-")) / "Chrome Passwords.csv"
    export.write_text(CHROME_EXPORT)
    take.notes["file"] = export


def _open_import(take: Take) -> None:
    take.shot(1000)
    take.click(take.page.get_by_role("link", name="Import data"))
    expect(take.page.get_by_role("heading", name="Import data")).to_be_visible()


def _help(take: Take) -> None:
    take.look(take.page.get_by_role("link", name="How to get the file out of your password manager"))


def _format(take: Take) -> None:
    choice = take.page.get_by_label("File format")
    take.look(choice)
    choice.select_option(label="Chrome, Edge or Brave (CSV)")
    take.shot(LOOK_MS)


def _file(take: Take) -> None:
    chooser = take.page.get_by_label("File to import")
    take.look(chooser)
    chooser.set_input_files(take.notes["file"])
    take.shot(LOOK_MS)


def _preview(take: Take) -> None:
    take.click(take.page.get_by_role("button", name="Preview"), ms=LOOK_MS)
    heading = take.page.get_by_role("heading", name="3 items will be imported")
    expect(heading).to_be_visible()
    take.look(take.page.locator(".import-preview"))


def _import(take: Take) -> None:
    take.click(take.page.get_by_role("button", name="Import", exact=True), ms=1600)
    expect(take.page.locator(".toast")).to_contain_text("3 items were imported.")


def _imported(take: Take) -> None:
    take.look(take.page.locator("#own-items ~ table"))
    shutil.rmtree(take.notes["file"].parent, ignore_errors=True)


IMPORT = Video(
    "import-your-data", "Import your data", "Importer vos données", _import_prepare, (
        Step("Coming from another password manager? In your vault, under Tools, choose Import data.",
             "Vous venez d'un autre gestionnaire de mots de passe ? Dans votre coffre, sous Outils, choisissez "
             "Importer des données.",
             _open_import),
        Step("First export your passwords from your old manager: this help page says how, for each one.",
             "Exportez d'abord vos mots de passe depuis votre ancien gestionnaire : cette page d'aide explique "
             "comment, pour chacun.",
             _help),
        Step("Choose the file's format, or let Custodian detect it.",
             "Choisissez le format du fichier, ou laissez Custodian le détecter.",
             _format),
        Step("Choose the file you exported.",
             "Choisissez le fichier que vous avez exporté.",
             _file),
        Step("Choose Preview, and check what will be imported.",
             "Choisissez Aperçu, et vérifiez ce qui sera importé.",
             _preview),
        Step("All good? Choose Import.",
             "Tout est correct ? Choisissez Importer.",
             _import),
        Step("Your items are in your vault. Now delete the exported file: it holds your passwords unencrypted.",
             "Vos éléments sont dans votre coffre. Supprimez maintenant le fichier exporté : il contient vos mots "
             "de passe en clair.",
             _imported),
    ), poster=4)


SEND_TEXT = "Network: Guest-5G\nPassword: lantern-copper-meadow-88"


def _send_prepare(take: Take) -> None:
    take.notes["email"] = member_of_client(take, "maxime.roux", "Maxime Roux")


def _open_sends(take: Take) -> None:
    take.shot(1000)
    take.click(take.page.get_by_role("navigation", name="Password Manager").get_by_role("link", name="Send"))
    take.click(take.page.get_by_role("link", name="New Send"))
    expect(take.page.get_by_role("heading", name="New Send")).to_be_visible()


def _send_text(take: Take) -> None:
    page = take.page
    take.look(page.get_by_role("radio", name="Text"))
    page.get_by_role("radio", name="Text").check()
    take.fill(page.get_by_label("Name"), "Wi-Fi for our visitor")
    take.fill(page.get_by_role("textbox", name="Text"), SEND_TEXT)


def _send_options(take: Take) -> None:
    page = take.page
    take.look(page.get_by_label("Deletion date", exact=True))
    take.fill(page.get_by_label("Maximum access count"), "3")


def _save_send(take: Take) -> None:
    take.click(take.page.get_by_role("button", name="Save"), ms=LOOK_MS)
    expect(take.page.locator(".toast")).to_contain_text("Send created.")
    take.notes["link"] = take.page.get_by_label("Send link").input_value()
    take.click(take.page.get_by_role("button", name="Copy link"))


def _recipient(take: Take) -> None:
    visitor = take.context.browser.new_context(base_url=take.portal.url, locale="en-US", viewport=VIEWPORT,
                                               bypass_csp=True)
    take.notes["visitor"] = visitor
    page = visitor.new_page()
    page.goto(take.notes["link"])
    expect(page.get_by_label("Text")).to_have_value(SEND_TEXT)
    highlight(page.get_by_label("Text"))
    take.shot(2400, page)


def _limits(take: Take) -> None:
    take.notes.pop("visitor").close()
    take.page.get_by_role("navigation", name="Password Manager").get_by_role("link", name="Send").click()
    expect(take.page.get_by_role("heading", name="Send", exact=True)).to_be_visible()
    take.look(take.page.locator("table tbody tr", has_text="Wi-Fi for our visitor"))


USE_SEND = Video(
    "use-send", "Use Send", "Utiliser Send", _send_prepare, (
        Step("Send shares a text or a file with anyone, through a link that expires. Choose Send, then New Send.",
             "Send partage un texte ou un fichier avec n'importe qui, grâce à un lien qui expire. Choisissez "
             "Send, puis Nouveau Send.",
             _open_sends),
        Step("Choose Text, give the Send a name, and type what you want to share.",
             "Choisissez Texte, donnez un nom au Send et saisissez ce que vous voulez partager.",
             _send_text),
        Step("Choose when it is deleted, and how many times it may be opened.",
             "Choisissez quand il sera supprimé, et combien de fois il pourra être ouvert.",
             _send_options),
        Step("Choose Save, then Copy link, and send the link to the person by email or chat.",
             "Choisissez Enregistrer, puis Copier le lien, et envoyez le lien à la personne par e-mail ou "
             "par messagerie.",
             _save_send),
        Step("They open the link in their browser, no account needed, and read what you sent.",
             "Votre destinataire ouvre le lien dans son navigateur, sans compte, et lit ce que vous avez envoyé.",
             _recipient),
        Step("Your Sends are listed here. Each link stops working at its deletion date, or once opened as many "
             "times as you allowed.",
             "Vos Sends sont listés ici. Chaque lien cesse de fonctionner à sa date de suppression, ou une fois "
             "ouvert le nombre de fois autorisé.",
             _limits),
    ), poster=4)
