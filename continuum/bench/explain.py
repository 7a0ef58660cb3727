"""`python -m continuum.bench explain --database DB --user USERNAME --url /cases/?q=Harr`: the
query plans of one page, so the EXPLAIN figures quoted in BENCHMARKS.md come from a command.

The page is requested once, in-process, as the persona (signed in with a verified second
factor, continuum/access/testing.py), under the benchmark's production settings and field key
(pages._env); every SELECT it ran is then printed with EXPLAIN (ANALYZE, BUFFERS). The request
writes its audit rows into that database, as the page does for anyone.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser], server: str) -> None:
    explain = sub.add_parser("explain", help="EXPLAIN (ANALYZE, BUFFERS) of every query of one page")
    explain.add_argument("--database", required=True, help="an existing benchmark database")
    explain.add_argument("--user", required=True, help="the persona to open the page as")
    explain.add_argument("--url", required=True, help="the page's path and query string")
    explain.add_argument("--server", default=server)


def bench_explain(args: argparse.Namespace) -> None:
    from continuum.bench import pages

    env = pages._env(args.database, args.server, "")
    pages._continuum(env, "collectstatic", "--noinput", "-v0")  # production settings serve a manifest
    code = "from continuum.bench.explain import run; import sys; run(sys.argv[1], sys.argv[2])"
    subprocess.run([sys.executable, "-c", code, args.user, args.url], env=env, check=True)


def run(username: str, url: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "continuum.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from continuum.access.testing import sign_in
    from continuum.org.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    sign_in(client, User.objects.get(username=username))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, secure=True)
    print(f"{url} as {username}: {response.status_code}, {len(captured.captured_queries)} queries")
    for query in captured.captured_queries:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
        print(f"\n-- {sql[:300]}\n{plan}")
