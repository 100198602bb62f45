"""The identity service as the gateway uses it: accounts, log-in, two-step login, recovery."""
from __future__ import annotations

from gateway.crypto import KdfParams

from . import BoundClient


class Identity(BoundClient):
    """Identity, as the person who acts (nobody, for registration and log-in)."""

    def kdf_of(self, email: str) -> KdfParams:
        """The key derivation settings of `email`'s account (made-up ones for an unknown address)."""
        params = self._post("/prelogin", {"email": email})
        return KdfParams(params["kdf"], params["kdf_iterations"], params["kdf_memory_mib"], params["kdf_parallelism"])

    def register(self, registration: dict) -> dict:
        """Create an account from what the gateway derived from the master password."""
        return self._post("/accounts", registration)

    def set_language(self, language: str) -> None:
        """Remember the language the person reads the portal in: identity writes their mail in it."""
        self._put("/me/language", {"language": language})

    def log_in(self, email: str, master_password_hash: str, remember_token: str | None) -> dict:
        """The account and its sealed keys, or the second step it asks for."""
        body = {"email": email, "master_password_hash": master_password_hash}
        if remember_token:
            body["remember_token"] = remember_token
        return self._post("/sessions", body)

    def second_step(self, challenge: str, method: str, code: str, remember: bool) -> dict:
        """The account, once the second step's code is right."""
        return self._post("/sessions/two-factor",
                          {"challenge": challenge, "method": method, "code": code, "remember": remember})

    def passkey_login_options(self, challenge: str) -> dict:
        """The options of navigator.credentials.get() for the second step of the log-in under way."""
        return self._post("/sessions/two-factor/webauthn", {"challenge": challenge})["options"]

    def mail_login_code(self, challenge: str) -> None:
        """Mail a code for the second step of the log-in under way."""
        self._post("/sessions/two-factor/email", {"challenge": challenge})

    def change_master_password(self, current_hash: str, new_hash: str, protected_user_key: str) -> None:
        """Replace the caller's master password (its hash and the user key it protects)."""
        self._put("/me/master-password", {
            "current_master_password_hash": current_hash, "master_password_hash": new_hash,
            "protected_user_key": protected_user_key})

    def public_key(self, user_id: str) -> str:
        """A person's public key, to wrap a key to them."""
        return self._get(f"/users/{user_id}")["public_key"]

    def two_factor_status(self, user_ids: list[str]) -> dict[str, bool]:
        """Whether each of these people has two-step login on."""
        return self._post("/users/two-factor-status", {"user_ids": user_ids})["two_factor"]

    def recovery_keys(self, organization_id: str, member_id: str) -> dict:
        """The member's public key and sealed private key, for a recovery by an administrator."""
        return self._get(f"/recoveries/{organization_id}/{member_id}")

    def recover(self, organization_id: str, member_id: str, master_password_hash: str,
                protected_user_key: str) -> None:
        """Set a member's new master password through the organization's account recovery."""
        self._post("/recoveries", {
            "organization_id": organization_id, "member_id": member_id,
            "master_password_hash": master_password_hash, "protected_user_key": protected_user_key})

    def preview_invitation(self, token: str) -> dict:
        """What an invitation link invites to, without using it."""
        return self._post("/invitations/preview", {"token": token})

    def redeem_invitation(self, token: str) -> dict:
        """Use an invitation link: the proof orgs needs to accept the member."""
        return self._post("/invitations/redeem", {"token": token})

    def two_factor_state(self) -> dict:
        """The caller's two-step login methods, on or off."""
        return self._get("/me/two-factor")

    def start_authenticator(self) -> dict:
        """A new authenticator secret to scan."""
        return self._post("/me/two-factor/authenticator")

    def authenticator_setup(self) -> dict:
        """The authenticator setup under way."""
        return self._get("/me/two-factor/authenticator")

    def verify_authenticator(self, code: str) -> dict:
        """Turn the authenticator on with a code from it."""
        return self._post("/me/two-factor/authenticator/verify", {"code": code})

    def start_email_codes(self) -> dict:
        """Mail a code that turns codes by email on."""
        return self._post("/me/two-factor/email")

    def verify_email_codes(self, code: str) -> dict:
        """Turn codes by email on with the code mailed."""
        return self._post("/me/two-factor/email/verify", {"code": code})

    def turn_off(self, method: str, master_password_hash: str) -> None:
        """Turn a two-step login method off (the master password proves it is the owner)."""
        self._post(f"/me/two-factor/{method}/off", {"master_password_hash": master_password_hash})

    def new_recovery_code(self, master_password_hash: str) -> str:
        """A new two-step login recovery code; the old one stops working."""
        return self._post("/me/two-factor/recovery-code",
                          {"master_password_hash": master_password_hash})["recovery_code"]

    def forget_devices(self) -> None:
        """Make every remembered device ask for the second step again."""
        self._post("/me/two-factor/forget-devices")

    def passkeys(self) -> dict:
        """The caller's passkeys (names and dates), how many an account may have, and the origin they work at."""
        return self._get("/me/two-factor/webauthn")

    def start_passkey(self, master_password_hash: str) -> dict:
        """The options of navigator.credentials.create() for a new key (the master password proves the owner)."""
        return self._post("/me/two-factor/webauthn/registration",
                          {"master_password_hash": master_password_hash})["options"]

    def add_passkey(self, name: str, credential: str) -> dict:
        """Add the key the browser read (its answer as JSON) under `name`; the recovery code, the first time."""
        return self._post("/me/two-factor/webauthn", {"name": name, "credential": credential})

    def remove_passkey(self, key_id: str, master_password_hash: str) -> bool:
        """Remove one of the caller's keys; whether passkeys are still on."""
        return self._post(f"/me/two-factor/webauthn/{key_id}/remove",
                          {"master_password_hash": master_password_hash})["on"]
