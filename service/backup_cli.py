"""The `supplierdev backup`, `restore` and `check` commands (see `service.backup`)."""

from pathlib import Path

import typer

from service.settings import get_settings


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def backup(path: Path = typer.Argument(..., help="The archive to write (a new file).")) -> None:
    """Write a consistent archive of the database and its stored files, while the service
    runs, with a manifest of row counts and file checksums."""
    from service.backup import BackupError, create_backup

    settings = get_settings()
    try:
        outcome = create_backup(settings.database_url, path, settings)
    except BackupError as error:
        _fail(str(error))
        return
    rows = sum(outcome.rows.values())
    typer.echo(f"backup {path}: {rows} rows in {len(outcome.rows)} tables, {outcome.files} files")
    for problem in outcome.problems:
        typer.echo(f"warning: {problem}", err=True)


def restore(path: Path = typer.Argument(..., help="An archive written by `backup`.")) -> None:
    """Restore an archive into the configured, empty database (SQLite or PostgreSQL, either
    kind) and storage; verify row counts and checksums; migrate to the newest revision."""
    from service.backup import BackupError, restore_backup

    settings = get_settings()
    if not path.is_file():
        _fail(f"{path} is not a file")
    try:
        outcome = restore_backup(path, settings.database_url, settings)
    except BackupError as error:
        _fail(str(error))
        return
    rows = sum(outcome.rows.values())
    typer.echo(f"restored {rows} rows and {outcome.files} files; verified; database at head")


def check() -> None:
    """Read back every stored file the database names and compare it with its sha256."""
    from service.backup import check_files

    settings = get_settings()
    outcome = check_files(settings.database_url, settings)
    for problem in outcome.problems:
        typer.echo(str(problem), err=True)
    typer.echo(f"{outcome.files} stored files checked, {len(outcome.problems)} problems")
    if outcome.problems:
        raise typer.Exit(1)
