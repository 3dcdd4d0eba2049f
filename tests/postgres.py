"""A throwaway PostgreSQL cluster for tests: Debian's ``postgresql`` server binaries, initdb into a temporary
directory, started on 127.0.0.1 at a free port, removed afterwards.

PostgreSQL refuses to run as root, so as root the cluster belongs to the ``postgres`` user the Debian package
creates and every server command runs as that user; as anyone else it runs as the caller. No binaries: the
test fails and says what to install (``.ci/run`` installs them). Never a silent skip.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path

import pytest

from trajectories.local_server import HOST, free_port

INSTALL_HINT = (
    "the records tests need PostgreSQL's server binaries (initdb, pg_ctl): on Debian/Ubuntu "
    "`sudo apt-get install postgresql` (.ci/run does this), or set TRAJECTORIES_PG_BIN to their directory"
)


def server_binaries() -> Path:
    configured = os.environ.get("TRAJECTORIES_PG_BIN")
    candidates = [configured] if configured else []
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True)
    if shutil.which("pg_ctl"):
        candidates.append(str(Path(shutil.which("pg_ctl")).parent))  # type: ignore[arg-type]
    for candidate in candidates:
        if (Path(candidate) / "initdb").exists() and (Path(candidate) / "pg_ctl").exists():
            return Path(candidate)
    pytest.fail(INSTALL_HINT, pytrace=False)


class PostgresCluster:
    """One running cluster; ``database()`` makes a fresh empty database and returns its SQLAlchemy URL."""

    def __init__(self, root: Path, bin_dir: Path):
        self.root = root
        self.bin = bin_dir
        self.data = root / "data"
        self.port = free_port()
        self.user: str | None = "postgres" if os.geteuid() == 0 else None

    def run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.bin / command[0]), *command[1:]], user=self.user, capture_output=True, text=True, check=check,
            timeout=120, cwd=self.root,
        )  # fmt: skip

    def init(self) -> None:
        owner = pwd.getpwnam(self.user) if self.user is not None else None
        if owner is not None:
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
        self.ca_file = self.root / "ca.pem"
        key_file = self.data / "server.key"
        server_certificate(self.ca_file, self.data / "server.crt", key_file)
        if owner is not None:
            for path in (self.data / "server.crt", key_file):
                os.chown(path, owner.pw_uid, owner.pw_gid)
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write("ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n")

    def start(self) -> None:
        options = f"-h {HOST} -p {self.port} -k {self.root} -F -c max_connections=200"
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-o", options, "-w", "start")

    def stop(self) -> None:
        """Stop at once (``-m immediate``), as a crash or an outage would."""
        self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)

    def admin_url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@{HOST}:{self.port}/{database}"

    def database(self) -> str:
        import psycopg

        name = f"records_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.admin_url(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.admin_url(name)

    def log(self) -> str:
        path = self.root / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""


def server_certificate(ca_file: Path, cert_file: Path, key_file: Path) -> None:
    """A test CA (its certificate to ``ca_file``) and a server certificate for ``localhost`` and 127.0.0.1 signed by
    it, so clients can connect with ``sslmode=verify-full`` as the README documents."""
    import ipaddress
    from datetime import datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.now(UTC)

    def certificate(subject: str, key, issuer: str, issuer_key, *, ca: bool, names=()) -> x509.Certificate:
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if names:
            builder = builder.add_extension(x509.SubjectAlternativeName(list(names)), critical=False)
        return builder.sign(issuer_key, hashes.SHA256())

    ca_key, server_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = certificate("trajectories test CA", ca_key, "trajectories test CA", ca_key, ca=True)
    names = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address(HOST))]
    server = certificate("localhost", server_key, "trajectories test CA", ca_key, ca=False, names=names)
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_file.write_bytes(server.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        server_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    key_file.chmod(0o600)


def cluster() -> Iterator[PostgresCluster]:
    """A started cluster, removed when the generator closes (a session fixture in conftest)."""
    bin_dir = server_binaries()
    root = Path(tempfile.mkdtemp(prefix="trajectories-pg-"))  # not under pytest's 0700 root: postgres must enter
    postgres = PostgresCluster(root, bin_dir)
    try:
        postgres.init()
        postgres.start()
        yield postgres
    finally:
        postgres.stop()
        shutil.rmtree(root, ignore_errors=True)
