"""Wrong: a thread per download, but joined right after it starts, so the downloads still run one by one."""

import threading
import urllib.request


def download(url: str, timeout: float) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as resp:
        return resp.read()


def download_all(urls: list[str], timeout: float = 10.0) -> list[bytes]:
    results: list[bytes] = []
    for url in urls:
        t = threading.Thread(target=lambda u=url: results.append(download(u, timeout)))
        t.start()
        t.join()
    return results
