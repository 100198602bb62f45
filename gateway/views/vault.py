"""The Password Manager: the user's own vault."""
from __future__ import annotations

from flask import Blueprint

from ..access import login_required
from ..render import render

bp = Blueprint("vault", __name__)


@bp.get("/vault")
@login_required
def vault():
    """The user's vault (items come with the vault issue)."""
    return render("pages/vault.html")
