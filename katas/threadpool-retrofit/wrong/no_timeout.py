"""Wrong: concurrent, but the timeout was dropped, so one stuck server hangs the whole call."""

import urllib.request
from concurrent.futures import ThreadPoolExecutor


def download(url: str, timeout: float) -> bytes:
    with urllib.request.urlopen(url) as resp:
        return resp.read()


def download_all(urls: list[str], timeout: float = 10.0) -> list[bytes]:
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(download, urls, [timeout] * len(urls)))
