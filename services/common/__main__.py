"""`python -m services.common migrate SERVICE...`: the release step that upgrades schemas."""
import sys

from .config import SERVICES, Settings
from .migrations import upgrade


def main(argv: list[str]) -> int:
    """Upgrade the databases of the services named in `argv` (all when none is named)."""
    if not argv or argv[0] != "migrate":
        print("usage: python -m services.common migrate [SERVICE ...]", file=sys.stderr)
        return 2
    for service in argv[1:] or SERVICES:
        settings = Settings.from_env(service)
        upgrade(service, settings.database_url)
        print(f"{service}: database at the newest schema")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
