"""Concurrent clients sending a fixed number of requests, and what their latencies add up to."""
from __future__ import annotations

import math
import threading
import time
from dataclasses import asdict, dataclass
from typing import Callable

import requests

TIMEOUT = 60  # seconds; a request slower than this counts as failed ("never times out")


@dataclass(frozen=True)
class Request:
    url: str
    data: dict | None = None      # sent as a form POST (Solr), else a GET
    headers: dict | None = None


@dataclass
class Stats:
    requests: int
    errors: int                    # HTTP status other than 200, or no answer within TIMEOUT
    p50_ms: float
    p95_ms: float
    p99_ms: float
    per_second: float
    first_error: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of sorted ``values``."""
    if not values:
        return float("nan")
    return values[max(1, math.ceil(share * len(values))) - 1]


def send(session: requests.Session, request: Request) -> requests.Response:
    if request.data is not None:
        return session.post(request.url, data=request.data, headers=request.headers,
                            timeout=TIMEOUT)
    return session.get(request.url, headers=request.headers, timeout=TIMEOUT)


def run(requests_: list[Request], total: int, clients: int,
        on_response: Callable[[requests.Response], None] | None = None) -> Stats:
    """Send ``total`` requests, cycling through ``requests_``, from ``clients`` threads that
    each send the next one as soon as their previous one is answered."""
    lock = threading.Lock()
    next_index = [0]
    latencies: list[float] = []
    errors: list[str] = []

    def client() -> None:
        session = requests.Session()
        while True:
            with lock:
                index = next_index[0]
                next_index[0] += 1
            if index >= total:
                return
            request = requests_[index % len(requests_)]
            started = time.perf_counter()
            try:
                response = send(session, request)
                elapsed = time.perf_counter() - started
                problem = "" if response.status_code == 200 else \
                    f"HTTP {response.status_code} from {request.url}"
                if not problem and on_response:
                    on_response(response)
            except requests.RequestException as error:
                elapsed, problem = time.perf_counter() - started, f"{request.url}: {error}"
            with lock:
                latencies.append(elapsed)
                if problem:
                    errors.append(problem)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    latencies.sort()
    return Stats(
        requests=len(latencies), errors=len(errors),
        p50_ms=round(percentile(latencies, 0.50) * 1000, 1),
        p95_ms=round(percentile(latencies, 0.95) * 1000, 1),
        p99_ms=round(percentile(latencies, 0.99) * 1000, 1),
        per_second=round(len(latencies) / wall, 1) if wall else 0.0,
        first_error=errors[0] if errors else "")
