"""`ezhou`: the operators' command.

  ezhou serve [--host 127.0.0.1] [--port 8000] [--workers 2] [--no-worker]
                                                                production server (gunicorn) and, beside it,
                                                                the background-job worker (stopped with it)
  ezhou jobs run NAME [--file F] [--param k=v] [--user U]       run a background job now, in this process
  ezhou jobs start NAME …  /  ezhou jobs worker  /  ezhou jobs status ID   queue one, work the queue, ask
  ezhou migrate                                                 apply database migrations
  ezhou demo                                                    load the policy library and demo data
  ezhou audit verify                                            check the audit trail's HMAC chain
  ezhou audit grants --app-role ROLE --owner-role ROLE          print the PostgreSQL grants of the audit tables
  ezhou audit anchor [--reset]                                  show (or restart) the anchor outside the database
  ezhou backup create FILE | check FILE | restore FILE --yes    online backup with a manifest; restore with checks
  ezhou manifest write | check                                  record / check the installed code (SHA-256 per file)
  ezhou manage <django command> …                               any Django management command

Each domain adds its batch commands as Django management commands, reachable as `ezhou <domain> …`.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys


def _django_setup(only_apps: tuple[str, ...] | None = None) -> None:
    """Start Django. ``only_apps``: start with those of the installed apps alone (a lean command)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ezhou_platform.config.settings")
    import django

    if only_apps is not None:
        from django.conf import settings

        settings.INSTALLED_APPS = [a for a in settings.INSTALLED_APPS if a in only_apps]
    django.setup()


# File-to-file batch commands that need from the database only the administrators' parameter values
# (ConfiguredValue, in the common app). They start Django with the apps those tables need instead of all
# fifteen domains (0.1 s instead of 1.1 s of imports: a year of claims settles in about the time start-up
# took before; issue 15). Key: the words of the command; value: the module of its management command.
LEAN_APPS = ("django.contrib.contenttypes", "django.contrib.auth", "ezhou_platform.common")
_MEDICAL_ASSISTANCE = "ezhou_platform.medical_assistance.management.commands.medical_assistance"
LEAN_COMMANDS = {
    ("medical-assistance", action): _MEDICAL_ASSISTANCE for action in ("settle", "settle-dataset", "simulate")
}


def _call_lean(module: str, name: str, *argv: str) -> int:
    _django_setup(LEAN_APPS)
    import importlib

    command = importlib.import_module(module).Command()
    try:
        command.run_from_argv(["ezhou", name, *argv])
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def _call(*argv: str) -> int:
    _django_setup()
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["ezhou", *argv])
    except SystemExit as exc:  # management commands signal failure by SystemExit
        return int(exc.code or 0)
    return 0


WORKER_STOP_SECONDS = 30


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Linux: the worker gets SIGTERM if `ezhou serve` itself is killed, so it never outlives the server."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def start_job_worker() -> subprocess.Popen[bytes]:
    """The background-job worker as a child process in its own session, so a Ctrl-C in the terminal reaches
    only gunicorn and the worker is stopped once, by us, with a graceful SIGTERM."""
    return subprocess.Popen(
        [sys.executable, "-m", "ezhou_platform.cli", "jobs", "worker"],
        start_new_session=True,
        preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
    )


def stop_job_worker(proc: subprocess.Popen[bytes], timeout: float = WORKER_STOP_SECONDS) -> int:
    """SIGTERM: a resumable job pauses after its current unit; a job still running after `timeout` is
    killed, and the next worker start resumes it or marks it failed with what it committed."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


def serve(host: str, port: int, workers: int, with_worker: bool = True) -> int:
    _django_setup()
    from gunicorn.app.wsgiapp import run as gunicorn_run

    sys.argv = [
        "gunicorn",
        "ezhou_platform.config.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
        "--timeout",
        "120",
    ]
    worker = start_job_worker() if with_worker else None
    try:
        gunicorn_run()
    finally:
        if worker is not None:
            stop_job_worker(worker)
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="ezhou", description="鄂州市政策平台运维命令")
    sub = parser.add_subparsers(dest="command", required=True)
    p_serve = sub.add_parser("serve", help="启动生产服务器（gunicorn）")
    p_serve.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    p_serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    p_serve.add_argument("--workers", type=int, default=2)
    p_serve.add_argument(
        "--no-worker", action="store_true", help="不启动后台作业工作进程（另行运行 ezhou jobs worker 时）"
    )
    sub.add_parser("migrate", help="执行数据库迁移")
    sub.add_parser("demo", help="载入政策文件库和演示数据（可重复执行）")
    p_audit = sub.add_parser("audit", help="审计日志")
    p_audit.add_argument("action", choices=["verify", "grants", "anchor"])
    p_audit.add_argument(
        "options",
        nargs=argparse.REMAINDER,
        help="--json, --anchor SEQ:HASH, --no-record, --no-money, --reset",
    )
    p_manage = sub.add_parser("manage", help="执行任意 Django 管理命令")
    p_manage.add_argument("args", nargs=argparse.REMAINDER)

    # Unknown first words are domain commands (`ezhou water-plan issue 2024` → management command water_plan).
    known = {"serve", "migrate", "demo", "audit", "manage", "-h", "--help"}
    if argv and argv[0] not in known:
        lean = LEAN_COMMANDS.get(tuple(argv[:2]))  # type: ignore[arg-type]
        if lean is not None:
            return _call_lean(lean, argv[0].replace("-", "_"), *argv[1:])
        return _call(argv[0].replace("-", "_"), *argv[1:])

    args = parser.parse_args(argv)
    if args.command == "serve":
        return serve(args.host, args.port, args.workers, with_worker=not args.no_worker)
    if args.command == "migrate":
        return _call("migrate", "--noinput")
    if args.command == "demo":
        return _call("demo")
    if args.command == "audit":
        return _call("audit", args.action, *args.options)
    return _call(*args.args)


if __name__ == "__main__":
    raise SystemExit(main())
