"""A throwaway PostgreSQL cluster for the drafts tests, from Debian's binaries (package
``postgresql``, which .ci/run installs): initdb into a temp dir, listening on 127.0.0.1 only at
a free port, its socket in the temp dir, run as ``postgres`` when the tests run as root.

Missing binaries are a failure, never a skip: CI must test the PostgreSQL path.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

SERVICE_USER = "postgres"  # initdb and postgres refuse to run as root
DATABASE = "placemap_test"


@dataclass
class PostgresCluster:
    """A cluster this process started; ``stop``/``start`` keep its port (the database goes away
    and comes back, as in the unreachable-database tests)."""

    bin_dir: Path
    root: Path
    port: int
    #: False (tests): no fsync, faster and fine for a throwaway; True (benchmarks): as deployed.
    durable: bool = False

    @property
    def url(self) -> str:
        return f"postgresql://{SERVICE_USER}@127.0.0.1:{self.port}/{DATABASE}"

    def start(self) -> None:
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root}"
        if not self.durable:
            options += " -c fsync=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(self.root / "data"), "-l", str(self.root / "log"),
                  "-o", options, "-w", "-t", "30", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.root / "data"), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        try:
            self.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin_dir / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", SERVICE_USER, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            log = self.root / "log"
            tail = log.read_text()[-2000:] if log.is_file() else ""
            raise RuntimeError(f"{program} {' '.join(args)} failed ({done.returncode}):\n"
                               f"{done.stdout}{done.stderr}{tail}")


def postgres_bin_dir() -> Path:
    """The newest installed server's binaries, or an error saying how to install them."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda path: int(Path(path).parts[3]) if Path(path).parts[3].isdigit()
                   else 0)
    if not found:
        raise RuntimeError("PostgreSQL server binaries are missing (/usr/lib/postgresql/*/bin/"
                           "initdb): run `apt-get install -y postgresql` (as .ci/run does) or set "
                           "PLACEMAP_TEST_POSTGRES_URL to a server to test against")
    return Path(found[-1]).parent


def start_cluster(*, durable: bool = False) -> PostgresCluster:
    bin_dir = postgres_bin_dir()
    root = Path(tempfile.mkdtemp(prefix="placemap-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, SERVICE_USER, SERVICE_USER)
    cluster = PostgresCluster(bin_dir, root, free_port(), durable)
    cluster._run("initdb", "-D", str(root / "data"), "-U", SERVICE_USER, "-A", "trust",
                 "-E", "UTF8", "--no-sync")
    cluster.start()
    cluster._run("createdb", "-h", "127.0.0.1", "-p", str(cluster.port), "-U", SERVICE_USER,
                 DATABASE)
    return cluster


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
