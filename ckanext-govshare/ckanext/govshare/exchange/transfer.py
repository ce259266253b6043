"""Copying one file from a node into a temporary file: bounded in size, checksummed as it
streams, so a file is never held in memory and a truncated transfer is never stored."""
from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass

import ckan.plugins.toolkit as tk

from .node_client import NodeClient, NodeError

CHUNK = 1 << 16


class TransferError(Exception):
    """The file was not copied; str() says why in one sentence."""


@dataclass
class Received:
    path: str          # a temporary file; the caller removes it
    size: int
    sha256: str


def receive(client: NodeClient, url: str, max_bytes: int, declared_sha256: str = "",
            directory: str | None = None) -> Received:
    try:
        response = client.download(url)
    except NodeError as error:
        raise TransferError(str(error)) from None
    length = response.headers.get("Content-Length")
    if length and length.isdigit() and int(length) > max_bytes:
        response.close()
        raise TransferError(_too_large(int(length), max_bytes))
    digest = hashlib.sha256()
    size = 0
    fd, path = tempfile.mkstemp(prefix="govshare-transfer-", dir=directory)
    try:
        with os.fdopen(fd, "wb") as out, response:
            for chunk in response.iter_content(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise TransferError(_too_large(size, max_bytes))
                digest.update(chunk)
                out.write(chunk)
        if length and length.isdigit() and int(length) != size:
            raise TransferError(tk._("The transfer was cut short: {received} of {expected} "
                                     "bytes arrived").format(received=size, expected=length))
        checksum = digest.hexdigest()
        if declared_sha256 and declared_sha256.lower() != checksum:
            raise TransferError(tk._("The file's checksum {actual} does not match the "
                                     "{declared} the node declares").format(
                                         actual=checksum, declared=declared_sha256))
        return Received(path, size, checksum)
    except Exception as error:
        os.unlink(path)
        if isinstance(error, TransferError):
            raise
        raise TransferError(tk._("The file at {url} could not be copied: {error}").format(
            url=url, error=error)) from None


def file_digest(path: str) -> tuple[int, str]:
    """Size and sha256 of a file on disk (after conversion changed it)."""
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
    return os.path.getsize(path), digest.hexdigest()


def sha256_of(declared_hash: str | None) -> str:
    """CKAN's free-form resource ``hash`` field, when it is a bare or "sha256:" digest."""
    value = (declared_hash or "").strip().lower().removeprefix("sha256:")
    return value if len(value) == 64 and all(c in "0123456789abcdef" for c in value) else ""


def _too_large(size: int, limit: int) -> str:
    return tk._("The file is {size} MB, over the {limit} MB limit for copying").format(
        size=round(size / 2**20, 1), limit=round(limit / 2**20, 1))
