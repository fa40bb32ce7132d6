"""The WSGI entry point moves what start-up loaded out of the garbage collector's generations."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_loading_the_wsgi_application_freezes_the_start_up_objects():
    probe = "import gc, helpdesk.wsgi; print(gc.get_freeze_count())"
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert int(out.stdout.strip().splitlines()[-1]) > 10_000
