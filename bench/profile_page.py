"""Where a page's time goes: cProfile over a few requests of one URL, on the bench database.

    DATABASE_URL=postgres://.../hd_bench .venv/bin/python bench/profile_page.py /agent/queues/ --user agent
    ... bench/profile_page.py /agent/tickets/123/ --runs 20 --sort tottime --top 40

Requests go through django.test.Client (force-logged-in, DEBUG off) like bench/panels.py; the
profile covers only the timed runs, after one warm-up. Needs the data of `bench/panels.py --keep`.
"""

import argparse
import cProfile
import pstats
import tempfile
import time
import warnings
from contextlib import ExitStack

from _setup import setup_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url")
    parser.add_argument("--user", default="agent", help="username to log in as")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--sort", default="cumulative", help="pstats sort key: cumulative, tottime, ...")
    parser.add_argument("--top", type=int, default=45)
    args = parser.parse_args()
    warnings.filterwarnings("ignore", message="No directory at")

    with ExitStack() as stack, tempfile.TemporaryDirectory(prefix="helpdesk-profile-") as media:
        setup_django(stack, media, "profile_page.py")
        from django.conf import settings
        from django.test import Client

        from accounts.models import User

        settings.DEBUG = False
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        client = Client()
        client.force_login(User.objects.get(username=args.user))
        status = client.get(args.url).status_code
        profile = cProfile.Profile()
        began = time.perf_counter()
        profile.enable()
        for _ in range(args.runs):
            client.get(args.url)
        profile.disable()
        took = (time.perf_counter() - began) / args.runs * 1000
        print(f"{args.url}: status {status}, {took:.1f} ms per request (profiled, {args.runs} runs)")
        pstats.Stats(profile).strip_dirs().sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
