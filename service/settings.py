"""Service settings, read from SUPPLIERDEV_* environment variables."""

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

VAR_DIR = Path("var")


class Settings(BaseSettings):
    """Everything an operator may configure; defaults suit a laptop demo."""

    model_config = SettingsConfigDict(env_prefix="SUPPLIERDEV_", env_file=".env", extra="ignore")

    database_url: str = f"sqlite:///{VAR_DIR / 'supplierdev.sqlite3'}"
    secret_key: str | None = Field(default=None, repr=False)
    secret_key_file: Path = VAR_DIR / "secret_key"
    session_token_hours: int = Field(default=12, ge=1, le=24 * 30)
    api_token_max_days: int = Field(default=365, ge=1, le=3650)
    upload_dir: Path = VAR_DIR / "uploads"
    upload_max_bytes: int = Field(default=20 * 1024 * 1024, ge=1024)
    # Any other request body (JSON) is refused with 413 past this, before it is buffered.
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    # Issued PDF reports, kept by their sha256 so that each can be fetched again unchanged.
    reports_dir: Path = VAR_DIR / "reports"
    # Where files live: "local" (upload_dir, reports_dir) or "s3" (one bucket for all hosts;
    # upload_dir then holds only uploads in progress). Credentials: boto3's usual AWS_* ones.
    storage: Literal["local", "s3"] = "local"
    s3_bucket: str | None = None
    s3_endpoint_url: str | None = None  # for S3-compatible servers; AWS when unset
    s3_region: str = "us-east-1"
    s3_prefix: str = ""
    # Reports rendered at once per worker; others wait their turn. One core is left to the
    # requests of everyone else (bench/reports.py: light-read p99 while reports render).
    max_concurrent_renders: int = Field(
        default_factory=lambda: max(1, (os.cpu_count() or 1) - 1), ge=1, le=64
    )
    default_language: str = Field(default="en", pattern="^(en|es|fr)$")
    # Audit templates and the KPI catalogue; the repository's folder unless set (Docker sets it).
    templates_dir: Path = Path(__file__).resolve().parents[1] / "audit_templates"
    login_max_failures: int = Field(default=10, ge=1)
    login_window_minutes: int = Field(default=15, ge=1)
    # Failed logins from one client address in the window, whatever the accounts.
    login_max_failures_per_address: int = Field(default=100, ge=1)
    # Longest progressive delay of an account under attack from many addresses.
    login_max_delay_seconds: int = Field(default=60, ge=1)
    idempotency_hours: int = Field(default=24, ge=1)
    sqlite_busy_timeout_ms: int = Field(default=10_000, ge=0)
    # Requests admitted at once per worker; the PostgreSQL pool holds as many connections.
    max_concurrent_requests: int = Field(default=20, ge=1, le=200)
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = Field(default=1, ge=1)
    log_level: str = "info"
    # Notifications (service/notifications): links in messages point at the UI under this URL.
    public_url: str = "http://127.0.0.1:8000"
    # SMTP; without a host, outgoing mail is written as .eml files to mail_dir instead.
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_security: Literal["starttls", "tls", "none"] = "starttls"
    smtp_user: str | None = None
    smtp_password: str | None = Field(default=None, repr=False)
    mail_sender: str = "supplierdev <no-reply@supplierdev.invalid>"
    mail_dir: Path = VAR_DIR / "mail"
    # The background worker: `supplierdev serve` runs one in each server process unless off.
    worker_in_process: bool = True
    worker_poll_seconds: float = Field(default=2.0, gt=0)
    # A claimed message not reported sent within the lease is claimed again (at-least-once).
    worker_lease_seconds: int = Field(default=120, ge=1)
    worker_max_attempts: int = Field(default=8, ge=1)
    worker_backoff_seconds: float = Field(default=30.0, gt=0)
    # Webhook endpoints in private, loopback or link-local ranges are refused unless allowed.
    webhooks_allow_private: bool = False
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)
    # An endpoint failing without a success for this long is disabled (its admins are told).
    webhook_disable_after_days: int = Field(default=3, ge=1)
    password_link_minutes: int = Field(default=60, ge=5, le=60 * 24 * 7)

    def resolved_secret_key(self) -> str:
        """The configured secret, or one generated once and kept in the var folder."""
        if self.secret_key:
            return self.secret_key
        path = self.secret_key_file
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            candidate = secrets.token_urlsafe(48)
            try:
                # O_EXCL: when several workers start at once, the first one's key wins.
                with path.open("x") as handle:
                    handle.write(candidate)
                path.chmod(0o600)
            except FileExistsError:
                pass
        return path.read_text().strip()


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings (cached; tests clear the cache)."""
    return Settings()
