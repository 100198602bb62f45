"""`python -m services.billing`: the operator's billing commands (ADR 20).

    python -m services.billing mark-paid NUMBER --reference REF
    python -m services.billing void NUMBER
    python -m services.billing set-minimums PROVIDER_ID Teams=N Enterprise=N
"""
from __future__ import annotations

import argparse
import sys

from services.common.config import Settings
from services.common.database import UnitOfWork, make_engine, utcnow
from services.common.errors import DomainError

from . import domain, models


def _minimum(text: str) -> tuple[str, int]:
    plan, _, value = text.partition("=")
    if plan not in domain.PLANS or not value.isdigit():
        raise argparse.ArgumentTypeError(f"write a minimum as Teams=N or Enterprise=N (not {text!r})")
    return plan, int(value)


def parser() -> argparse.ArgumentParser:
    """The commands and their arguments."""
    commands = argparse.ArgumentParser(prog="python -m services.billing", description="Operator billing commands.")
    sub = commands.add_subparsers(dest="command", required=True)
    paid = sub.add_parser("mark-paid", help="record that an open invoice was paid by bank transfer")
    paid.add_argument("number")
    paid.add_argument("--reference", required=True, help="the transfer's reference")
    voided = sub.add_parser("void", help="void an open invoice")
    voided.add_argument("number")
    minimums = sub.add_parser("set-minimums", help="set a provider's seat minimums from today")
    minimums.add_argument("provider_id")
    minimums.add_argument("minimums", nargs="+", type=_minimum, metavar="PLAN=N")
    return commands


def main(argv: list[str] | None = None, settings: Settings | None = None, now=None) -> int:
    """Run one command; 0 when done, 1 when refused (the reason on stderr)."""
    arguments = parser().parse_args(argv)
    settings = settings or Settings.from_env("billing")
    engine = make_engine(settings.database_url)
    now = now or utcnow()
    try:
        with UnitOfWork(engine, models.OutboxMessage) as uow:
            if arguments.command == "mark-paid":
                invoice = domain.mark_paid(uow, domain.ManualPayments(settings.billing.bank_details),
                                           arguments.number, arguments.reference, now)
                print(f"{invoice.number} paid ({arguments.reference})")
            elif arguments.command == "void":
                print(f"{domain.void(uow, arguments.number).number} void")
            else:
                minimums = domain.set_minimums(uow, arguments.provider_id, dict(arguments.minimums), now)
                print("seat minimums: " + ", ".join(f"{plan}={value}" for plan, value in minimums.items()))
    except DomainError as refusal:
        print(refusal.message, file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
