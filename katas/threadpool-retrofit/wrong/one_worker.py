"""Wrong: a thread pool with a single worker is a sequential loop with extra steps."""

import urllib.request
from concurrent.futures import ThreadPoolExecutor


def download(url: str, timeout: float) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as resp:
        return resp.read()


def download_all(urls: list[str], timeout: float = 10.0) -> list[bytes]:
    with ThreadPoolExecutor(max_workers=1) as pool:
        return list(pool.map(download, urls, [timeout] * len(urls)))
