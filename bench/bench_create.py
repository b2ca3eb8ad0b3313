"""Benchmark creating an assessment on the shipped library, warm, with the demo's answers.

Run: python bench/bench_create.py [--runs N]

Prints medians (target < 10 ms) of: the "new assessment" service
(`services.assessments.create`), the scope step's `wizard.create_assessment`,
and that followed by `wizard.save_profile` with the library's default answers
(the demo profile), each committed as a request would be.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import date

from harness import median_time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args(argv)
    from riskapp.app import create_app
    from riskapp.cli import upgrade_database
    from riskapp.config import SEED_LIBRARY
    from riskapp.domain.assessment.applicability import default_answers
    from riskapp.domain.assessment.wizard import ScopeAnswers
    from riskapp.extensions import db
    from riskapp.models import Organization
    from riskapp.repository.library import cached_library
    from riskapp.services import assessments, wizard
    from riskapp.services.library import load_library

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/b.db", "SECRET_KEY": "x"}, tmp
        )
        with app.app_context():
            upgrade_database()
            load_library(SEED_LIBRARY)
            org = Organization(name="Acme Ltd")
            db.session.add(org)
            db.session.commit()
            tags = cached_library(db.session).meta.tags
            answers = ScopeAnswers(
                name="SOC 2 Type 2 2027",
                categories=("security", "availability"),
                report_type="type2",
                as_of=None,
                period_start=date(2027, 1, 1),
                period_end=date(2027, 12, 31),
                appetite=9,
            )

            def new_assessment() -> None:
                assessments.create(org.id, "SOC 2 2027", "soc2-2017")
                db.session.commit()

            def scope_step() -> None:
                wizard.create_assessment(org, answers)
                db.session.commit()

            def scope_and_profile() -> None:
                row = wizard.create_assessment(org, answers)
                wizard.save_profile(row, default_answers(tags))
                db.session.commit()

            for label, work in (
                ("services.assessments.create", new_assessment),
                ("wizard.create_assessment (scope step)", scope_step),
                ("wizard.create_assessment + save_profile (demo answers)", scope_and_profile),
            ):
                for _ in range(3):
                    work()  # warm
                seconds, _ = median_time(work, args.runs)
                verdict = "met" if seconds < 0.010 else "NOT met"
                print(
                    f"{label}: median {seconds * 1000:.1f} ms over {args.runs} runs "
                    f"[target < 10 ms: {verdict}]"
                )
            db.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
