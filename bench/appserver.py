"""Run the real app under gunicorn on 127.0.0.1 for benchmarks and integration tests.

``prepare_sqlite`` makes a database the way an operator does (``surveyapp db upgrade``, ``survey create``,
``survey open``) and returns the public path of the parent questionnaire; ``Gunicorn`` starts and stops a
server on a free loopback port with the settings taken from the environment, as in production.

Use::

    env = app_environment(tmp, database_uri)
    page = prepare_survey(env, slug="bench")
    with Gunicorn(env, workers=3) as server:
        ...  # http://127.0.0.1:{server.port}{page}
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
UNITS = 20


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def app_environment(workdir: Path, database_uri: str, **settings: str) -> dict[str, str]:
    """Environment of a production-like app: its own instance settings, a random SECRET_KEY."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("SURVEYAPP_") and key not in ("DATABASE_URL", "SECRET_KEY")}
    env.update({
        "SURVEYAPP_SQLALCHEMY_DATABASE_URI": database_uri,
        "SECRET_KEY": secrets.token_urlsafe(32),
        "SURVEYAPP_ENV_NAME": "production",
        # every virtual respondent posts from 127.0.0.1: the per-address limit still counts each post
        # (its cost is measured) but is set where no load reaches it
        "SURVEYAPP_SUBMIT_RATE_LIMIT": "1000000 per minute",
        "PYTHONPATH": str(ROOT),
        "HOME": str(workdir),
    })
    env.update({f"SURVEYAPP_{key}": value for key, value in settings.items()})
    return env


def surveyapp(env: dict[str, str], *args: str) -> str:
    """Run a `surveyapp` command; its standard output (raises with its stderr when it fails)."""
    done = subprocess.run([str(BIN / "surveyapp"), *args], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"surveyapp {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    return done.stdout


def prepare_survey(env: dict[str, str], workdir: Path, slug: str = "bench",
                   questionnaire: str = "parent-platform", upgrade: bool = True) -> str:
    """Upgrade the database, create and open a survey of `questionnaire` in 20 schools; the path of the
    first school's page (``/s/<token>/S01``)."""
    if upgrade:
        surveyapp(env, "db", "upgrade")
    units = workdir / f"{slug}-units.csv"
    units.write_text("code,name,district\n" + "".join(
        f"S{i + 1:02d},第{i + 1}学校,区{i % 4 + 1}\n" for i in range(UNITS)), encoding="utf-8")
    surveyapp(env, "survey", "create", "--title", "基准测试调查", "--slug", slug,
              "--questionnaire", questionnaire, "--units", str(units))
    surveyapp(env, "survey", "open", slug)
    links = surveyapp(env, "survey", "links", slug, "--base-url", "http://127.0.0.1").splitlines()[1:]
    url = links[0].split("\t")[3]
    return url.removeprefix("http://127.0.0.1")


class Gunicorn:
    """gunicorn with sync workers serving ``wsgi:app`` on 127.0.0.1:`port` (a free one by default)."""

    def __init__(self, env: dict[str, str], workers: int = 3, port: int | None = None,
                 log: Path | None = None, timeout: int = 30):
        self.env, self.workers, self.port = env, workers, port or free_port()
        self.log, self.timeout = log, timeout
        self.process: subprocess.Popen | None = None

    def start(self, wait: float = 60.0) -> Gunicorn:
        out = open(self.log, "ab") if self.log else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--worker-class", "sync", "--workers", str(self.workers),
             "--bind", f"127.0.0.1:{self.port}", "--backlog", "2048", "--timeout", str(self.timeout),
             "--graceful-timeout", "10", "wsgi:app"],
            cwd=ROOT, env=self.env, stdout=out, stderr=out)
        if out is not subprocess.DEVNULL:
            out.close()
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode} (see {self.log})")
            if len(self.worker_pids()) >= self.workers and self._answers():
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn did not come up on port {self.port} within {wait:.0f} s")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"GET /console/login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                return sock.recv(12).startswith(b"HTTP/1.1")
        except OSError:
            return False

    def worker_pids(self) -> list[int]:
        """The pids of the arbiter's worker processes (children of the gunicorn master)."""
        if self.process is None:
            return []
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[1]) == self.process.pid:
                pids.append(int(stat.parent.name))
        return sorted(pids)

    def kill_worker(self) -> int:
        """SIGKILL one worker (the master starts a new one); its pid."""
        pid = self.worker_pids()[0]
        os.kill(pid, signal.SIGKILL)
        return pid

    def kill(self) -> None:
        """SIGKILL the master and its workers at once (a crash, not a shutdown)."""
        if self.process is None:
            return
        pids = self.worker_pids()
        self.process.kill()
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait(timeout=30)
        self.process = None

    def stop(self) -> None:
        """A graceful shutdown (SIGTERM): workers finish the request in hand."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()
        self.process = None

    def __enter__(self) -> Gunicorn:
        return self.start() if self.process is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()
