"""Benchmark: every wizard page for the demo assessment on the shipped library.

Run: python bench/bench_wizard.py   (median of 50 requests per page through the test client)
"""

from __future__ import annotations

import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from riskapp.app import create_app  # noqa: E402
from riskapp.cli import upgrade_database  # noqa: E402
from riskapp.config import SEED_LIBRARY  # noqa: E402
from riskapp.domain.wizard import STEPS  # noqa: E402
from riskapp.extensions import db  # noqa: E402
from riskapp.models import Membership  # noqa: E402
from riskapp.services import commit  # noqa: E402
from riskapp.services.accounts import new_user  # noqa: E402
from riskapp.services.demo import create_demo  # noqa: E402
from riskapp.services.library import load_library  # noqa: E402

REQUESTS = 50
PASSWORD = "bench password 12345"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db", "SECRET_KEY": "bench",
             "RISKAPP_PASSWORD_HASH": {"time_cost": 1, "memory_cost": 8, "parallelism": 1}},
            instance_path=tmp,
        )
        with app.app_context():
            upgrade_database()
            load_library(SEED_LIBRARY)
            org_id, assessment_id = create_demo("Bench Co")
            user = new_user("bench@example.com", PASSWORD, "Bench")
            db.session.add(Membership(user_id=user.id, organization_id=org_id, role="owner"))
            commit()
        client = app.test_client()
        page = client.get("/sign-in").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
            r'name="csrf_token" value="([^"]+)"', page
        )
        client.post("/sign-in", data={"csrf_token": token.group(1), "email": "bench@example.com",
                                      "password": PASSWORD})
        for step in STEPS:
            url = f"/assessments/{assessment_id}/steps/{step}"
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            times = []
            for _ in range(REQUESTS):
                start = time.perf_counter()
                client.get(url)
                times.append(time.perf_counter() - start)
            print(f"{step:10s} median {statistics.median(times) * 1000:6.1f} ms over {REQUESTS} "
                  f"requests ({len(response.data) / 1024:.0f} KiB)")
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
