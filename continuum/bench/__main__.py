"""`python -m continuum.bench synth [--sizes 100000 1000000]`: time the synthetic generator;
`python -m continuum.bench pages --cases 100000`: page latency (continuum/bench/pages.py);
`python -m continuum.bench explain --database DB --user U --url PATH`: one page's query plans.

Each size runs `continuum synth` in a fresh PostgreSQL database (created and dropped here) and
reports wall time, CPU time and the peak memory of the generator process, so the figures in
BENCHMARKS.md can be reproduced with one command.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
import uuid

import psycopg

from continuum.bench import explain, pages


def bench_synth(sizes: list[int], server: str, seed: int) -> None:
    print(f"machine: {pages.machine()}")
    print("| cases | journey events | wall (s) | CPU (s) | peak memory (MiB) | cases/s |")
    print("|---:|---:|---:|---:|---:|---:|")
    for size in sizes:
        name = f"continuum_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        env = {**os.environ, "DATABASE_URL": f"{server}/{name}"}
        env.pop("CONTINUUM_DEMO", None)
        try:
            subprocess.run([sys.executable, "-m", "continuum", "migrate", "-v0"], env=env, check=True)
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "continuum", "synth", "--cases", str(size), "--seed", str(seed)],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            wall = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            events = done.stdout.split(" journey events")[0].rsplit(" ", 1)[-1]
            print(
                f"| {size:,} | {events} | {wall:,.0f} | {cpu:,.0f} | {after.ru_maxrss / 1024:,.0f} | "
                f"{size / wall:,.0f} |",
                flush=True,
            )
        finally:
            with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m continuum.bench")
    sub = parser.add_subparsers(dest="what", required=True)
    synth = sub.add_parser("synth", help="time `continuum synth` on PostgreSQL")
    synth.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    synth.add_argument("--seed", type=int, default=7)
    server = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
    synth.add_argument("--server", default=server)
    pages.add_parser(sub, server)
    explain.add_parser(sub, server)
    args = parser.parse_args()
    if args.what == "synth":
        bench_synth(args.sizes, args.server, args.seed)
    elif args.what == "pages":
        pages.bench_pages(args)
    elif args.what == "explain":
        explain.bench_explain(args)


if __name__ == "__main__":
    main()
