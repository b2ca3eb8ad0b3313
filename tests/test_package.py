"""The package layout promises of the design card."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_domain_modules_load_without_the_web_stack() -> None:
    code = (
        "import sys\n"
        "import riskapp, riskapp.domain.library.loader\n"
        "import riskapp.domain.graph.build, riskapp.domain.graph.questions\n"
        "import riskapp.domain.library.integrity, riskapp.domain.coverage.report\n"
        "import riskapp.domain.coverage.closing, riskapp.domain.coverage.setcover\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('flask', 'flask_sqlalchemy', 'sqlalchemy', 'werkzeug', 'scipy', 'numpy', 'plotly'))\n"
        "print(','.join(heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.strip() == ""


def test_design_card_layout_exists() -> None:
    for name in ("riskapp", "seed_library", "templates", "static", "exports", "tests"):
        assert (ROOT / name).is_dir(), name
    for name in ("wsgi.py", "pyproject.toml", "README.md", "seed_library/README.md"):
        assert (ROOT / name).is_file(), name


def test_wsgi_exposes_a_flask_app(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'wsgi.db'}")
    monkeypatch.setenv("SECRET_KEY", "wsgi-test")
    sys.path.insert(0, str(ROOT))
    try:
        import wsgi
    finally:
        sys.path.remove(str(ROOT))
    assert wsgi.app.name == "riskapp.app"
    assert wsgi.app.config["SQLALCHEMY_DATABASE_URI"].endswith("wsgi.db")


def test_only_the_request_and_command_boundaries_commit_or_roll_back() -> None:
    """Services and repositories only flush; web/transactions.py and cli_support.py end the work."""
    package = Path(__file__).resolve().parent.parent / "riskapp"
    allowed = {package / "web" / "transactions.py", package / "cli.py", package / "cli_support.py"}
    found = [
        f"{path.relative_to(package)}:{number}"
        for path in sorted(package.rglob("*.py"))
        if "migrations" not in path.parts and path not in allowed
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\.(commit|rollback)\(\)", line)
    ]
    assert found == []


def test_the_command_line_imports_no_exporter_migration_or_solver_library(tmp_path) -> None:
    """`import riskapp.cli`, `riskapp --help` and the app the commands build load none of them.

    openpyxl, python-docx, Alembic (through Flask-Migrate) and SciPy load only in
    the commands that need them: exports, `init` and `db`, the closing set.
    Importing the command line loads neither SQLAlchemy nor a service module:
    they load when a command runs.
    """
    code = (
        "import sys\n"
        "heavy = ('openpyxl', 'docx', 'alembic', 'flask_migrate', 'scipy')\n"
        "def found(step):\n"
        "    loaded = sorted({m.split('.')[0] for m in sys.modules} & set(heavy))\n"
        "    print(step + ':' + ','.join(loaded))\n"
        "import riskapp.cli\n"
        "found('import')\n"
        "light = sorted(m for m in sys.modules if m.split('.')[0] == 'sqlalchemy' "
        "or m.startswith('riskapp.services'))\n"
        "print('light:' + ','.join(light[:5]))\n"
        "try:\n"
        "    riskapp.cli.main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "found('help')\n"
        "from riskapp.app import create_app\n"
        f"create_app({{'SQLALCHEMY_DATABASE_URI': 'sqlite://', 'SECRET_KEY': 'x'}}, "
        f"instance_path={str(tmp_path)!r})\n"
        "found('app')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    steps = [line for line in result.stdout.splitlines() if line.split(":")[0] in STEPS]
    assert steps == ["import:", "light:", "help:", "app:"]


STEPS = ("import", "light", "help", "app")


def test_the_vendored_plotly_js_is_the_one_the_pinned_plotly_package_bundles() -> None:
    """static/js/plotly.min.js must match the plotly Python package that builds the figures."""
    from importlib.resources import files

    def version(text: str) -> str:
        found = re.search(r"plotly\.js v(\d+\.\d+\.\d+)", text[:400])
        assert found, "no plotly.js version banner"
        return found.group(1)

    bundled = (files("plotly") / "package_data" / "plotly.min.js").read_text()
    vendored = (ROOT / "static" / "js" / "plotly.min.js").read_text()
    assert version(vendored) == version(bundled)
