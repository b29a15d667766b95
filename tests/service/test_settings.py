"""Settings: the secret key is generated once and kept, never a constant."""

from pathlib import Path

from service.settings import Settings


def test_a_missing_secret_key_is_generated_once_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "var" / "secret_key"
    first = Settings(secret_key=None, secret_key_file=path).resolved_secret_key()
    second = Settings(secret_key=None, secret_key_file=path).resolved_secret_key()
    assert first == second
    assert len(first) >= 64
    assert path.stat().st_mode & 0o777 == 0o600


def test_each_installation_gets_its_own_key(tmp_path: Path) -> None:
    one = Settings(secret_key=None, secret_key_file=tmp_path / "a").resolved_secret_key()
    two = Settings(secret_key=None, secret_key_file=tmp_path / "b").resolved_secret_key()
    assert one != two


def test_an_explicit_secret_key_wins(tmp_path: Path) -> None:
    settings = Settings(secret_key="from-the-environment", secret_key_file=tmp_path / "k")
    assert settings.resolved_secret_key() == "from-the-environment"
    assert not (tmp_path / "k").exists()


def test_settings_read_the_prefixed_environment(monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SUPPLIERDEV_UPLOAD_MAX_BYTES", "2048")
    monkeypatch.setenv("SUPPLIERDEV_DEFAULT_LANGUAGE", "fr")
    settings = Settings()
    assert (settings.upload_max_bytes, settings.default_language) == (2048, "fr")
