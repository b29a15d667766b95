"""The `supplierdev` command: serve, database migrations, users, templates and the demo."""

import getpass
import logging
from pathlib import Path

import typer
import uvicorn

from service import backup_cli
from service.settings import get_settings

app = typer.Typer(help="supplierdev: supplier development programmes.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema migrations.", no_args_is_help=True)
users_app = typer.Typer(help="User accounts.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
templates_app = typer.Typer(help="Audit templates.", no_args_is_help=True)
app.add_typer(templates_app, name="templates")
history_app = typer.Typer(help="The event history.", no_args_is_help=True)
app.add_typer(history_app, name="history")
app.command("backup")(backup_cli.backup)
app.command("restore")(backup_cli.restore)
app.command("check")(backup_cli.check)


@app.command()
def serve(
    host: str = typer.Option(None, help="Address to listen on (SUPPLIERDEV_HOST)."),
    port: int = typer.Option(None, help="Port to listen on (SUPPLIERDEV_PORT)."),
    workers: int = typer.Option(None, help="Worker processes (SUPPLIERDEV_WORKERS)."),
) -> None:
    """Serve the API and the browser UI with uvicorn."""
    settings = get_settings()
    host = host or settings.host
    port = port or settings.port
    settings.resolved_secret_key()  # create the key before workers race for it
    typer.echo(f"supplierdev on http://{host}:{port}/  (API docs: http://{host}:{port}/docs)")
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    uvicorn.run(
        "service.app:app",
        host=host,
        port=port,
        workers=workers or settings.workers,
        access_log=False,  # our request log replaces it and never prints query strings
        log_level=settings.log_level,
    )


@app.command()
def worker() -> None:
    """Deliver notifications, reminders and webhooks from the outbox until SIGTERM."""
    import signal
    import threading

    from service.notifications.worker import Worker

    settings = get_settings()
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(name)s %(message)s")
    stop = threading.Event()
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_: stop.set())
    typer.echo("supplierdev worker: delivering from the outbox (SIGTERM stops it)")
    Worker(stop=stop).run()


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head")) -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    from service.migrations_runner import upgrade

    upgrade(get_settings().database_url, revision)
    typer.echo(f"database at {revision}")


@db_app.command("revision")
def db_revision(message: str = typer.Option(..., "-m", help="What the migration does.")) -> None:
    """Write a new migration from the difference between the models and the database."""
    from alembic import command

    from service.migrations_runner import alembic_config

    command.revision(alembic_config(get_settings().database_url), message, autogenerate=True)


@users_app.command("create")
def users_create(
    email: str = typer.Option(..., help="Login e-mail."),
    full_name: str = typer.Option(..., help="The person's name."),
    superuser: bool = typer.Option(False, help="A platform superuser, who opens programmes."),
    password: str = typer.Option(
        None, help="Prompted for when omitted.", envvar="SUPPLIERDEV_NEW_PASSWORD"
    ),
) -> None:
    """Create a platform superuser (programme users are added through the API)."""
    from service.accounts.bootstrap import create_superuser

    if not superuser:
        raise typer.BadParameter("only --superuser accounts are made here; use the API for others")
    secret = password or getpass.getpass("Password (12 characters or more): ")
    try:
        user = create_superuser(email=email, full_name=full_name, password=secret)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from error
    typer.echo(f"superuser {user.email} created ({user.id})")


@templates_app.command("check")
def templates_check(
    paths: list[Path] = typer.Argument(None, help="Template files or folders (default: shipped)."),
) -> None:
    """Validate audit template files; print file:line: message for every problem."""
    from service.audits.templates import load_template
    from service.datafiles import DataFileInvalid
    from service.kpis import TEMPLATES_DIR, kpi_catalogue

    files = []
    for path in paths or [TEMPLATES_DIR]:
        files += sorted(path.glob("*-v*.yaml")) if path.is_dir() else [path]
    failed = False
    for file in files:
        try:
            template = load_template(file, kpi_catalogue())
        except DataFileInvalid as error:
            failed = True
            for problem in error.errors:
                typer.echo(str(problem), err=True)
            continue
        questions = sum(1 for _ in template.questions())
        typer.echo(f"ok  {file.name}: {template.id} v{template.version}, {questions} questions")
    if failed or not files:
        raise typer.Exit(1)


@history_app.command("verify")
def history_verify() -> None:
    """Walk every programme's event chain; name the first broken link and exit 1 if any."""
    from service.database import read_session
    from service.history_check import verify_all

    with read_session() as session:
        reports = verify_all(session)
    for report in reports:
        if report.intact:
            typer.echo(f"ok      programme {report.programme_id}: {report.events} events")
        else:
            typer.echo(
                f"BROKEN  programme {report.programme_id} at event #{report.broken_at}"
                f"{f' ({report.event_id})' if report.event_id else ''}: {report.problem}"
            )
    if not all(report.intact for report in reports):
        raise typer.Exit(1)


@app.command()
def demo() -> None:
    """Migrate the database, load the demo programme if it is missing, print the demo logins."""
    from service.demo import DEMO_LOGINS, load_demo
    from service.migrations_runner import upgrade

    settings = get_settings()
    upgrade(settings.database_url)
    created = load_demo()
    typer.echo("Demo programme " + ("loaded." if created else "already present."))
    typer.echo(f"Open http://{settings.host}:{settings.port}/docs after `supplierdev serve`.")
    typer.echo("Demo logins (POST /api/v1/auth/login):")
    for role, email, password in DEMO_LOGINS:
        typer.echo(f"  {role:<11} {email:<34} {password}")


if __name__ == "__main__":
    app()
