"""Settings read from the environment, with safe defaults for the embedded setup."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEED_LIBRARY = PROJECT_ROOT / "seed_library"
SECRET_KEY_FILE = "secret_key"


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for plain postgres:// and postgresql:// URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def secret_key(instance_path: Path) -> str:
    """Return SECRET_KEY from the environment, or one generated once into the instance folder."""
    from_env = os.environ.get("SECRET_KEY")
    if from_env:
        return from_env
    path = instance_path / SECRET_KEY_FILE
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def env_flag(name: str, default: bool) -> bool:
    """Read a yes/no environment variable: "0", "false", "no" and "off" mean no."""
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    return value.strip().lower() not in ("0", "false", "no", "off")


EVIDENCE_MAX_BYTES = 25 * 1024 * 1024


def env_bytes(name: str, default: int) -> int:
    """Read a size in bytes from the environment; unset, empty or not a number: `default`."""
    value = (os.environ.get(name) or "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else default


def settings_from_env(instance_path: Path) -> dict[str, Any]:
    """Return the Flask settings that come from the environment.

    RISKAPP_SIGNUP (default on) lets anyone create an account and an organisation;
    turn it off with "0" or "false" and make the first administrator with
    `riskapp user create`. RISKAPP_BEHIND_PROXY (default off) trusts one proxy's
    X-Forwarded-For/-Proto/-Host headers (werkzeug's ProxyFix), so that HTTPS
    and the client address are seen as the proxy saw them: set it only when a
    proxy that sets those headers stands in front of the app.
    RISKAPP_EVIDENCE_DIR (default: `evidence` in the instance folder) holds the
    Type 2 evidence files, by SHA-256; RISKAPP_EVIDENCE_MAX_BYTES (default 25 MB)
    is the largest evidence file accepted.
    SESSION_COOKIE_SECURE forces the Secure flag even on plain HTTP requests;
    without it the flag is set whenever the request came over HTTPS.
    """
    default_db = f"sqlite:///{instance_path / 'riskapp.db'}"
    return {
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(
            os.environ.get("DATABASE_URL", default_db)
        ),
        "RISKAPP_EXPORT_DIR": os.path.abspath(os.environ.get("RISKAPP_EXPORT_DIR", "exports")),
        "RISKAPP_SEED_LIBRARY": str(SEED_LIBRARY),
        "RISKAPP_SIGNUP": env_flag("RISKAPP_SIGNUP", True),
        "RISKAPP_BEHIND_PROXY": env_flag("RISKAPP_BEHIND_PROXY", False),
        "SESSION_COOKIE_SECURE": env_flag("SESSION_COOKIE_SECURE", False),
        "RISKAPP_LOG_LEVEL": os.environ.get("RISKAPP_LOG_LEVEL", "INFO").strip().upper() or "INFO",
        "RISKAPP_EVIDENCE_DIR": os.path.abspath(
            os.environ.get("RISKAPP_EVIDENCE_DIR") or str(instance_path / "evidence")
        ),
        "RISKAPP_EVIDENCE_MAX_BYTES": env_bytes("RISKAPP_EVIDENCE_MAX_BYTES", EVIDENCE_MAX_BYTES),
    }


DEFAULTS: dict[str, Any] = {
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "MAX_CONTENT_LENGTH": 5 * 1024 * 1024,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,
    # Argon2id cost (time_cost, memory_cost in KiB, parallelism); None: argon2-cffi's defaults
    "RISKAPP_PASSWORD_HASH": None,
    # the largest upload a form accepts, checked before the file is read
    "RISKAPP_MAX_UPLOAD_BYTES": 4 * 1024 * 1024,
}
