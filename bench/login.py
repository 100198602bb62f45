"""What a full log-in through the gateway costs, against one PBKDF2-SHA256 of 600,000 iterations.

Starts the `make run` system (bench/footprint.py's `start_system`, production-strength argon2
unless ARGON2_* are set) and logs the demo admin in again and again, each time as a new
browser: the log-in form, then, timed, its POST (prelogin, the master key derived in the
gateway, identity's argon2id verify, the keys unlocked, the session stored) and the page it
redirects to (the portal's home: what a person waits for). The
baseline is one PBKDF2-SHA256 600k in this process, measured in the same run; the parts a
log-in is made of are timed the same way, to show where it goes.

Goal (issue 11): a log-in at most 2.5 x the baseline. Last line: one summary a CI log can keep.
Run: `.venv/bin/python -m bench.login [--repeat N]`.
"""
from __future__ import annotations

import argparse
import hashlib
import re
import tempfile
import time
from pathlib import Path

import requests

from bench.footprint import start_system, stop_system
from bench.measure import median_seconds
from services.common.config import PasswordHashing

GOAL = 2.5
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def log_in(base: str, email: str, password: str) -> tuple[requests.Session, float, float]:
    """A new browser logged in as `email`; the seconds its POST /login took, and those until the
    page it was sent to (the portal's home) had arrived too."""
    browser = requests.Session()
    page = browser.get(f"{base}/login")
    match = CSRF.search(page.text)
    if page.status_code != 200 or not match:
        raise SystemExit(f"the log-in form did not answer as expected ({page.status_code})")
    started = time.perf_counter()
    answer = browser.post(f"{base}/login", data={"email": email, "master_password": password,
                                                 "csrf_token": match.group(1) or match.group(2)},
                          allow_redirects=False)
    posted = time.perf_counter() - started
    if answer.status_code != 303:
        raise SystemExit(f"the log-in failed ({answer.status_code}): is the demo password right?")
    home = browser.get(requests.compat.urljoin(f"{base}/", answer.headers["Location"]))
    arrived = time.perf_counter() - started
    if home.status_code != 200:
        raise SystemExit(f"the page after the log-in did not answer ({home.status_code})")
    return browser, posted, arrived


def parts(repeat: int) -> dict[str, float]:
    """The median seconds of what a log-in is made of, measured here, one at a time."""
    from gateway.crypto import KeyPair  # the gateway's own code, as it runs there

    hasher = PasswordHashing.from_env().hasher()
    stored = hasher.hash("a master password hash")
    der = KeyPair.generate().private_key_der()
    return {
        "PBKDF2-SHA256 600k (baseline)": median_seconds(
            lambda: hashlib.pbkdf2_hmac("sha256", b"master password", b"user@example.com", 600_000), repeat),
        f"argon2id verify (t={hasher.time_cost}, {hasher.memory_cost // 1024} MiB, p={hasher.parallelism})":
            median_seconds(lambda: hasher.verify(stored, "a master password hash"), repeat),
        "RSA-2048 private key parsed and checked": median_seconds(lambda: KeyPair.from_private_der(der), repeat),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="log-ins to time (default 15)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="custodian-login-") as var:
        process, found = start_system(Path(var) / "var")
        try:
            email, password = found["login"]
            log_in(found["url"], email, password)  # the first one warms every process up
            samples, posts, baseline_samples = [], [], []
            for _ in range(args.repeat):  # interleaved, so both see the same machine
                _browser, posted, arrived = log_in(found["url"], email, password)
                posts.append(posted)
                samples.append(arrived)
                baseline_samples.append(median_seconds(
                    lambda: hashlib.pbkdf2_hmac("sha256", b"master password", b"user@example.com", 600_000), 1))
        finally:
            stop_system(process)
    samples.sort()
    baseline_samples.sort()
    login, baseline = samples[len(samples) // 2], baseline_samples[len(baseline_samples) // 2]
    post = sorted(posts)[len(posts) // 2]
    for name, seconds in parts(5).items():
        print(f"{name}: {seconds * 1000:.0f} ms ({seconds / baseline:.2f}x)")
    print(f"POST /login alone (median of {args.repeat}): {post * 1000:.0f} ms ({post / baseline:.2f}x)")
    print(f"full log-in through the gateway (POST /login and the home page, median of {args.repeat}): "
          f"{login * 1000:.0f} ms, p90 {samples[int(len(samples) * 0.9)] * 1000:.0f} ms")
    print(f"login: {login / baseline:.2f}x one PBKDF2-SHA256 600k ({login * 1000:.0f} ms vs "
          f"{baseline * 1000:.0f} ms; goal <= {GOAL}x, {'met' if login / baseline <= GOAL else 'not met'})")


if __name__ == "__main__":
    main()
