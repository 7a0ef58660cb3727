"""`python -m continuum.bench pages --cases 100000`: page latency under gunicorn, against a floor.

What it does, in order:

1. a PostgreSQL database: a new one (`continuum migrate`, `continuum synth --cases N`, ANALYZE),
   dropped at the end unless `--keep`; or an existing one with `--reuse NAME` (migrated first,
   never dropped);
2. production settings from the environment (CONTINUUM_ENV=production, a SECRET_KEY made for the
   run, ALLOWED_HOSTS=127.0.0.1, DATABASE_URL) and `continuum collectstatic`;
3. a confirmed TOTP device for each persona it signs in as (a key made for the run, replacing the
   personas' earlier bench devices), and the pages to load (a survivor name, case ids) read from
   the database;
4. `gunicorn continuum.wsgi` bound to 127.0.0.1 with a few sync workers;
5. from this process, each persona signs in through the real login and second-factor pages (the
   code computed with django_otp's TOTP), then each page is loaded by 16 concurrent clients
   (threads, one http.client connection each), bounded by a request count and a time budget.

Plain HTTP on loopback under production settings: the settings trust `X-Forwarded-Proto: https`
from the proxy in front of the application (SECURE_PROXY_SSL_HEADER), so the bench sends it, as
that proxy would; the secure `__Host-` cookies are kept by hand. Nothing in the settings is
loosened for the bench.

It prints p50 and p95 per page and their ratio to the floor: `web:staff_ok`, a staff-only view
that answers "ok" (signed-in, second factor verified, no query of its own), measured in the same
run with the same clients.
"""

from __future__ import annotations

import argparse
import binascii
import http.client
import json
import os
import platform
import re
import secrets
import statistics
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg

# (label, persona, which url) in the order they are measured; the floor comes first.
PAGES: tuple[tuple[str, str, str], ...] = (
    ("floor (staff view answering ok)", "coordinator", "floor"),
    ("case list, coordinator", "coordinator", "list"),
    ("case list, advocate", "advocate", "list"),
    ("case list, detective", "detective", "list"),
    ("name search, full name (coordinator)", "coordinator", "search_full"),
    ("name search, partial name (coordinator)", "coordinator", "search_partial"),
    ("case page, coordinator", "coordinator", "case"),
    ("work queue, coordinator", "coordinator", "tasks"),
    ("triage queue, intake", "intake", "triage"),
)

# Run inside `continuum shell` with the bench's environment: enrol the personas' devices and pick
# what to load. Prints one JSON line.
SETUP = """
import json
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from continuum.org.models import User
from continuum.cases.models import Case, CaseParticipant
keys = KEYS
for username, key in keys.items():
    user = User.objects.get(username=username)
    TOTPDevice.objects.filter(user=user, name="bench").delete()
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    TOTPDevice.objects.create(user=user, name="bench", key=key, confirmed=True)
coordinator = User.objects.get(username="coordinator")
cases = list(
    Case.objects.restrict(coordinator, "view").order_by("-opened_on").values_list("pk", flat=True)[:40]
)
survivor = (
    CaseParticipant.objects.filter(case_id__in=cases, role="survivor")
    .exclude(person__first_name="").exclude(person__last_name="")
    .select_related("person").order_by("case__opened_on").first().person
)
print(json.dumps({
    "floor": reverse("web:staff_ok"),
    "list": reverse("cases:list"),
    "tasks": reverse("coordination:tasks"),
    "triage": reverse("intake:queue"),
    "cases": [reverse("cases:detail", args=[pk]) for pk in cases],
    "first": survivor.first_name,
    "last": survivor.last_name,
    "login": reverse("web:login"),
}))
"""


@dataclass
class Session:
    host: str
    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self, method: str, path: str, body: dict[str, str] | None = None, timeout: float = 60
    ) -> tuple[int, dict[str, str], str]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        headers = {
            "Host": f"{self.host}:{self.port}",
            # The proxy in front of the application would say so; the settings trust it.
            "X-Forwarded-Proto": "https",
            "Sec-Fetch-Site": "same-origin",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        payload = None
        if body is not None:
            payload = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"https://{self.host}:{self.port}"
        try:
            connection.request(method, path, body=payload, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    cookie = value.split(";", 1)[0]
                    key, _, val = cookie.partition("=")
                    if val and "max-age=0" not in value.lower():
                        self.cookies[key.strip()] = val.strip()
                    else:
                        self.cookies.pop(key.strip(), None)
            return response.status, {k.lower(): v for k, v in response.getheaders()}, text
        finally:
            connection.close()


def _csrf(page: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if not found:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1)


def _totp(key_hex: str) -> str:
    from django_otp.oath import TOTP

    return f"{TOTP(binascii.unhexlify(key_hex)).token():06d}"


def sign_in(port: int, username: str, password: str, key_hex: str, login: str) -> Session:
    """The real pages: the password step, then the second factor."""
    session = Session("127.0.0.1", port)
    status, _, page = session.request("GET", login)
    if status != 200:
        raise RuntimeError(f"login page answered {status}")
    status, headers, page = session.request(
        "POST",
        login,
        {"csrfmiddlewaretoken": _csrf(page), "username": username, "password": password},
    )
    if status != 302:
        raise RuntimeError(f"{username}: the password step answered {status}")
    verify = urlsplit(headers["location"])
    verify_path = verify.path + (f"?{verify.query}" if verify.query else "")
    status, _, page = session.request("GET", verify_path)
    if status != 200:
        raise RuntimeError(f"{username}: the second-factor page answered {status}")
    status, _, _ = session.request(
        "POST", verify_path, {"csrfmiddlewaretoken": _csrf(page), "token": _totp(key_hex)}
    )
    if status != 302:
        raise RuntimeError(f"{username}: the second factor answered {status}")
    return session


@dataclass
class Result:
    label: str
    latencies: list[float]
    errors: int

    def quantile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def load(
    session: Session, paths: list[str], *, clients: int, requests: int, seconds: float, label: str
) -> Result:
    """`clients` threads share `requests` requests (cycling through `paths`) until `seconds` pass."""
    lock = threading.Lock()
    latencies: list[float] = []
    errors = [0]
    issued = [0]
    deadline = time.monotonic() + seconds

    def client() -> None:
        while True:
            with lock:
                if issued[0] >= requests or time.monotonic() > deadline:
                    return
                path = paths[issued[0] % len(paths)]
                issued[0] += 1
            shared = Session(session.host, session.port, dict(session.cookies))
            started = time.perf_counter()
            try:
                status, _, _ = shared.request("GET", path, timeout=max(1.0, deadline - time.monotonic() + 30))
            except (OSError, http.client.HTTPException):
                status = 0
            took = time.perf_counter() - started
            with lock:
                if status == 200:
                    latencies.append(took)
                else:
                    errors[0] += 1

    # Warm-up: each worker imports, connects and caches once (not counted).
    for path in paths[: min(len(paths), 4)]:
        Session(session.host, session.port, dict(session.cookies)).request("GET", path)
    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Result(label, latencies, errors[0])


def _env(database: str, server: str, password: str) -> dict[str, str]:
    var = Path(os.environ.get("CONTINUUM_VAR_DIR", "var")).resolve()
    key_file = var / "bench" / "field-key"
    if not os.environ.get("CONTINUUM_FIELD_KEYS") and not key_file.exists():
        from cryptography.fernet import Fernet

        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(Fernet.generate_key().decode("ascii") + "\n", encoding="ascii")
        key_file.chmod(0o600)
    env = {
        **os.environ,
        "CONTINUUM_VAR_DIR": str(var),
        "CONTINUUM_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"{server}/{database}",
        "CONTINUUM_DEMO_PASSWORD": password,
        "LOG_LEVEL": "WARNING",
    }
    env.setdefault("CONTINUUM_FIELD_KEYS", key_file.read_text(encoding="ascii").strip())
    # Production refuses to start without the audit log's key (continuum/audit/keys.py); the
    # bench makes one for its run, as it does the secret key.
    env.setdefault("AUDIT_KEY", secrets.token_hex(32))
    env.pop("CONTINUUM_DEMO", None)
    env.pop("DEBUG", None)
    return env


def _continuum(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "continuum", *args], env=env, check=False, capture_output=True, text=True
    )
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-4000:])
        raise SystemExit(f"continuum {args[0]} failed (exit {done.returncode})")
    return done.stdout


def machine() -> str:
    cpus = os.cpu_count()
    with open("/proc/meminfo", encoding="ascii") as handle:
        mem_kib = int(handle.readline().split()[1])
    memory = f"{mem_kib / 1024 / 1024:.0f} GiB"
    return f"{platform.machine()}, {cpus} cores, {memory}, Python {platform.python_version()}"


def bench_pages(args: argparse.Namespace) -> None:
    server: str = args.server
    database = args.reuse or args.name or f"continuum_bench_{uuid.uuid4().hex[:8]}"
    created = not args.reuse
    # The personas' password: the one synth is given here, or the one a reused database was made with.
    password = os.environ.get("CONTINUUM_DEMO_PASSWORD", "")
    if not password:
        if not created:
            raise SystemExit("--reuse needs CONTINUUM_DEMO_PASSWORD (the personas' password there).")
        password = secrets.token_urlsafe(16)
    if created:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{database}"')
    env = _env(database, server, password)
    gunicorn: subprocess.Popen[bytes] | None = None
    try:
        _continuum(env, "migrate", "-v0")
        if created:
            started = time.perf_counter()
            _continuum(env, "synth", "--cases", str(args.cases), "--seed", str(args.seed))
            print(f"synth: {args.cases:,} cases in {time.perf_counter() - started:,.0f} s", flush=True)
        with psycopg.connect(f"{server}/{database}", autocommit=True) as db:
            db.execute("ANALYZE")
            cases = db.execute("SELECT count(*) FROM cases_case").fetchone()
            tasks = db.execute("SELECT count(*) FROM coordination_task WHERE done_at IS NULL").fetchone()
            tips = db.execute("SELECT count(*) FROM intake_tip WHERE status = 'new'").fetchone()
            referrals = db.execute("SELECT count(*) FROM intake_referral WHERE status = 'new'").fetchone()
        _continuum(env, "collectstatic", "--noinput", "-v0")
        personas = sorted({persona for _, persona, _ in PAGES})
        keys = {username: secrets.token_hex(20) for username in personas}
        setup = _continuum(env, "shell", "-c", f"KEYS = {keys!r}\n{SETUP}")
        urls = json.loads(setup.strip().splitlines()[-1])
        urls["search_full"] = f"{urls['list']}?{urlencode({'q': urls['first'] + ' ' + urls['last']})}"
        urls["search_partial"] = f"{urls['list']}?{urlencode({'q': urls['last'][:4]})}"
        gunicorn = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "continuum.wsgi",
                "--bind",
                f"127.0.0.1:{args.port}",
                "--workers",
                str(args.workers),
                "--timeout",
                "120",
                "--log-level",
                "warning",
            ],
            env=env,
        )
        _wait_for(args.port, urls["login"], gunicorn)
        sessions = {
            username: sign_in(args.port, username, password, keys[username], urls["login"])
            for username in personas
        }
        print(f"machine: {machine()}")
        print(
            f"database: {cases[0] if cases else 0:,} cases, {tasks[0] if tasks else 0:,} open tasks, "
            f"{tips[0] if tips else 0:,} new tips, {referrals[0] if referrals else 0:,} new referrals; "
            f"gunicorn with {args.workers} sync workers; {args.clients} clients; at most "
            f"{args.requests} requests or {args.seconds:.0f} s per page"
        )
        print(
            f"searched for: a full name of {len(urls['first']) + len(urls['last']) + 1} characters "
            f"and the first 4 letters of a last name"
        )
        results: list[Result] = []
        for label, persona, which in PAGES:
            paths = urls["cases"] if which == "case" else [urls[which]]
            result = load(
                sessions[persona],
                paths,
                clients=args.clients,
                requests=args.requests,
                seconds=args.seconds,
                label=label,
            )
            results.append(result)
            print(f"  measured {label}: {len(result.latencies)} answers, {result.errors} errors", flush=True)
        floor = results[0]
        print()
        print("| page | requests | errors | p50 (ms) | p95 (ms) | p50 / floor | p95 / floor |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for result in results:
            if not result.latencies:
                print(f"| {result.label} | 0 | {result.errors} | - | - | - | - |")
                continue
            p50, p95 = result.quantile(0.50), result.quantile(0.95)
            print(
                f"| {result.label} | {len(result.latencies)} | {result.errors} | {p50 * 1000:,.0f} | "
                f"{p95 * 1000:,.0f} | {p50 / floor.quantile(0.50):,.1f} | {p95 / floor.quantile(0.95):,.1f} |"
            )
        if floor.latencies:
            print(f"\nfloor mean {statistics.fmean(floor.latencies) * 1000:,.0f} ms")
    finally:
        if gunicorn is not None:
            gunicorn.terminate()
            gunicorn.wait(timeout=30)
        if created and not args.keep:
            with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        elif created:
            print(f"kept the database {database} (reuse it with --reuse {database})")


def _wait_for(port: int, path: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(120):
        if process.poll() is not None:
            raise RuntimeError("gunicorn stopped at start")
        try:
            status, _, _ = Session("127.0.0.1", port).request("GET", path, timeout=5)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError("gunicorn did not answer within a minute")


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser], server: str) -> None:
    pages = sub.add_parser("pages", help="page latency under gunicorn with production settings")
    pages.add_argument("--cases", type=int, default=100_000)
    pages.add_argument("--seed", type=int, default=7)
    pages.add_argument("--reuse", metavar="DBNAME", help="an existing database (kept, not generated)")
    pages.add_argument("--name", metavar="DBNAME", help="the name of the database to create")
    pages.add_argument("--keep", action="store_true", help="keep the database it created")
    pages.add_argument("--workers", type=int, default=3)
    pages.add_argument("--clients", type=int, default=16)
    pages.add_argument("--requests", type=int, default=400, help="requests per page at most")
    pages.add_argument("--seconds", type=float, default=90.0, help="seconds per page at most")
    pages.add_argument("--port", type=int, default=8765)
    pages.add_argument("--server", default=server)
