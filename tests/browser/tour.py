"""Every page of the portal as the demo provider admin sees it, found from the pages' own links.

The layout test and the accessibility audit (tests/browser/test_layout.py) and `make screenshots`
(tests/screenshots.py) all walk the same list: `find_pages` collects it once, in English, at the
default width where every link is in view; `overflow` says what sticks out sideways.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from playwright.sync_api import expect


@dataclass(frozen=True)
class Stop:
    """One page: a short name (for file names and messages) and its path."""

    name: str
    path: str
    logged_in: bool = True


LANGUAGES = {"en": "English", "fr": "Français"}


def choose_language(page, language: str) -> None:
    """The footer's language menu: open it, press the language's button."""
    menu = page.locator("footer details.language-menu")
    menu.locator("summary").click()
    menu.get_by_role("button", name=LANGUAGES[language]).click()
    expect(page.locator("html")).to_have_attribute("lang", language)


def log_in(page, email: str, password: str) -> None:
    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#master_password").fill(password)
    page.locator("#login-form button[type=submit]").click()
    expect(page.locator("form[action$='/logout']")).to_have_count(1)


def _path(page, locator) -> str:
    """The path (and query) of the link `locator` finds, which need not be in view."""
    href = locator.first.get_attribute("href")
    assert href, f"no link for {locator} on {page.url}"
    parts = urlsplit(href)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _link(page, scope: str, name: str) -> str:
    return _path(page, page.locator(scope).get_by_role("link", name=name, exact=True))


def find_pages(page, client: str = "My Client's Organization", send_name: str = "Layout tour Send") -> list[Stop]:
    """The demo admin's pages, logged in, in English, with the Admin Console of the seeded `client`:
    every link is read off the page before it."""
    stops: list[Stop] = []

    def visit(name: str, path: str) -> None:
        stops.append(Stop(name, path))
        page.goto(path)

    page.goto("/")
    switcher = "nav.switcher"
    clients = _link(page, switcher, "Provider Portal")
    vault = _link(page, switcher, "Password Manager")
    console = _link(page, switcher, "Admin Console")
    account = _path(page, page.locator("header a[href$='/account']"))
    hub = _path(page, page.locator("footer nav").get_by_role("link", name="Training", exact=True))

    # Provider Portal: Clients, then each entry of its side navigation and each Billing tab.
    visit("clients", clients)
    new_client = _link(page, "main", "+ Add new organization")
    page.goto(clients + "?" + urlencode({"q": client}))
    manage = _path(page, page.locator("table.clients tbody tr td:first-child a", has_text=client))
    provider_nav = "nav.side"
    for name, label in (("provider-event-logs", "Event logs"), ("provider-reports", "Reports"),
                        ("provider-policies", "Policies"), ("provider-training-hub", "Training hub")):
        stops.append(Stop(name, _link(page, provider_nav, label)))
    # Members, and a Service User's Clients dialog as a page (the demo has one Service User).
    visit("provider-members", _link(page, provider_nav, "Members"))
    stops.append(Stop("provider-member-clients", _path(page, page.locator("main a", has_text="Clients").first)))
    page.goto(clients)
    # Integrations: the credentials of the event stream, and its New credential dialog as a page.
    visit("provider-integrations", _link(page, provider_nav, "Integrations"))
    stops.append(Stop("integration-new", _link(page, "main", "New credential")))
    visit("billing-subscription", _link(page, provider_nav, "Billing"))
    for name, label in (("billing-history", "Billing history"), ("billing-payment-method", "Payment method"),
                        ("billing-information", "Billing information")):
        stops.append(Stop(name, _link(page, "nav.tabs", label)))
    stops.append(Stop("client-new", new_client))
    # Demo sessions: the list, its New session dialog as a page, and the public sign-up it links to.
    visit("demo-sessions", _link(page, provider_nav, "Demo sessions"))
    stops.append(Stop("demo-session-new", _link(page, "main", "New session")))
    public_demo = page.get_by_label("Public sign-up link").input_value()

    # A client's Admin Console: its overview and each entry of its side navigation.
    visit("client-overview", manage)
    org_nav = "nav.side"
    for name, label in (("client-members", "Members"), ("client-vault", "Vault"), ("client-send", "Send"),
                        ("client-groups", "Groups"), ("client-collections", "Collections"),
                        ("client-policies", "Policies"), ("client-event-logs", "Event logs"),
                        ("client-reports", "Reports"), ("client-billing", "Billing")):
        stops.append(Stop(name, _link(page, org_nav, label)))
    members = next(stop.path for stop in stops if stop.name == "client-members")
    page.goto(members)
    stops.append(Stop("client-invite-member", _link(page, "main", "Invite member")))
    reports = next(stop.path for stop in stops if stop.name == "client-reports")
    page.goto(reports)
    stops.append(Stop("client-report", _path(page, page.locator(".report-cards a"))))
    vault_page = next(stop.path for stop in stops if stop.name == "client-vault")
    page.goto(vault_page)
    stops.append(Stop("client-new-item", _link(page, "main", "New item")))

    # Admin Console's own list, the Password Manager, account settings and the training hub.
    stops.append(Stop("admin-console", console))
    visit("vault", vault)
    visit("send", _link(page, "nav.side", "Send"))
    stops.append(Stop("send-new", _link(page, "main", "New Send")))
    visit("account", account)
    stops.append(Stop("two-step-login", _link(page, "main", "Manage two-step login")))

    # The training hub, each of its resources, and one page inside each that has some.
    visit("training", hub)
    hub_nav = "nav.side"
    for name, label in (("training-registration", "Registration"), ("training-import", "Import your data"),
                        ("demo-sign-up", "Demo sign-up")):
        stops.append(Stop(name, _link(page, hub_nav, label)))
    for name, label, inner_name, inner_label in (
            ("training-videos", "Training videos", "training-video", "Use Send"),
            ("training-two-step-login", "Two-step login setup", "training-passkey", "Passkey"),
            ("training-guides", "Getting started guides", "training-apps", "The apps")):
        visit(name, _link(page, hub_nav, label))
        stops.append(Stop(inner_name, _link(page, "main", inner_label)))

    # Logged out: log-in, registration, and what someone opening a Send link sees.
    client_send = next(stop.path for stop in stops if stop.name == "client-send")
    send_link = _text_send(page, client_send, send_name)
    parts = urlsplit(send_link)
    public = urlsplit(public_demo)
    stops.extend([Stop("login", "/login", logged_in=False), Stop("register", "/register", logged_in=False),
                  Stop("demo-sign-up-public", f"{public.path}?{public.query}", logged_in=False),
                  Stop("send-recipient", parts.path + (f"#{parts.fragment}" if parts.fragment else ""),
                       logged_in=False)])
    return stops


def _text_send(page, sends: str, name: str) -> str:
    """A text Send made from the client's Send page `sends`, whose link a recipient opens."""
    page.goto(sends)
    page.goto(_link(page, "main", "New Send"))
    page.locator("input[name=send_type][value=text]").check()
    page.locator("#send-form input[name=name]").fill(name)
    page.locator("#send-form textarea[name=text]").fill("A note for whoever opens the link.")
    page.locator("#send-form button[type=submit].primary").click()
    link = page.locator("#send-link")
    expect(link).to_have_count(1)
    return link.input_value()


# What sticks out past the window's right edge: the document's width, and the element reaching
# furthest right that is not inside a box of its own that scrolls or clips it.
OVERFLOW = """() => {
  const width = window.innerWidth, scroll = document.documentElement.scrollWidth;
  // Inside a box that scrolls or clips sideways, unless it is positioned against something outside it.
  const clipped = element => {
    let node = element;
    const root = document.documentElement;
    for (let parent = element.parentElement; parent && parent !== root; parent = parent.parentElement) {
      const position = getComputedStyle(node).position;
      if (position === 'fixed') return false;
      const style = getComputedStyle(parent);
      if (position === 'absolute' && style.position === 'static') continue;
      if (style.overflowX !== 'visible') return true;
      node = parent;
    }
    return false;
  };
  let widest = null, right = width + 0.5;
  const consider = (element, box) => {
    // Document order: of elements reaching as far, the innermost (the likeliest cause) wins.
    if (box.right > right - 0.5 && box.right > width + 0.5 && box.width > 0 && element.checkVisibility()
        && !clipped(element)) {
      widest = element; right = Math.max(right, box.right);
    }
  };
  for (const element of document.body.querySelectorAll('*')) consider(element, element.getBoundingClientRect());
  // Text running out of its own box (a long line in a <pre>, an address that does not wrap).
  const texts = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT), range = document.createRange();
  for (let text = texts.nextNode(); text; text = texts.nextNode()) {
    range.selectNodeContents(text);
    consider(text.parentElement, range.getBoundingClientRect());
  }
  const describe = element => element.tagName.toLowerCase() + (element.id ? '#' + element.id : '')
    + Array.from(element.classList).map(name => '.' + name).join('')
    + ' "' + (element.innerText || element.value || '').trim().slice(0, 40).replace(/\\s+/g, ' ') + '"';
  return {width, scroll, widest: widest ? describe(widest) + ' reaches ' + Math.round(right) + ' px' : null};
}"""


def overflow(page) -> dict:
    """{'width', 'scroll', 'widest'}: the document is wider than the window when scroll > width."""
    return page.evaluate(OVERFLOW)
