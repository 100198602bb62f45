"""Where orgs keeps the sealed parts of file Sends: a local directory or an S3-compatible bucket.

A part is the unit of upload (ADR 19: 16 CSF1 chunks, 1,048,832 bytes, the last one shorter),
kept as one file or one object under `sends/<id>/<part:06d>`. One object per part needs no
multipart upload, whose parts must be 5 MiB. Nothing here reads a part's bytes: they are
ciphertext under a key orgs never has. Reading streams in blocks of one CSF1 chunk, so a
download never holds a file, nor even a whole part, in memory.
"""
from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

from services.common.config import Settings

READ_BLOCK = 64 * 1024 + 16  # one CSF1 chunk with its tag
_SEND_ID = re.compile(r"^[A-Za-z0-9_-]{22}$")
_PART = re.compile(r"^\d{6}$")


class MissingPart(OSError):
    """A part the row says was stored is not in the store (removed by hand, or a bucket emptied)."""


class StoreUnavailable(OSError):
    """The bucket did not answer, or refused: an OSError like a full disk, so a chore tries again later."""


def _checked(send_id: str) -> str:
    # The id becomes a path or a key: only a well-formed one may, so none climbs out of the store.
    if not isinstance(send_id, str) or not _SEND_ID.match(send_id):
        raise ValueError("not a send id")
    return send_id


class SendStore(Protocol):
    """The port: what orgs asks of wherever the parts are."""

    def put_part(self, send_id: str, number: int, data: bytes) -> None:
        """Keep part `number` (replacing one already there)."""

    def iter_parts(self, send_id: str, count: int) -> Iterator[bytes]:
        """The bytes of parts 0 to `count` - 1, in order, in blocks of at most one CSF1 chunk."""

    def part_sizes(self, send_id: str) -> list[int]:
        """The size of each part kept, in order (numbers that do not follow on are left out)."""

    def delete(self, send_id: str) -> None:
        """Remove every part of the Send; nothing to remove is not an error."""


class LocalSendStore:
    """Parts as files under one directory (default var/sends), readable by the service's user only."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(self.root, 0o700)

    def _folder(self, send_id: str) -> Path:
        return self.root / _checked(send_id)

    def put_part(self, send_id: str, number: int, data: bytes) -> None:
        folder = self._folder(send_id)
        folder.mkdir(exist_ok=True, mode=0o700)
        # Written aside, then renamed into place: a reader never sees half a part.
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".part-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, folder / f"{number:06d}")
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def iter_parts(self, send_id: str, count: int) -> Iterator[bytes]:
        folder = self._folder(send_id)
        for number in range(count):
            try:
                part = open(folder / f"{number:06d}", "rb")
            except FileNotFoundError:
                raise MissingPart(f"part {number} of a Send is missing") from None
            with part:
                while block := part.read(READ_BLOCK):
                    yield block

    def part_sizes(self, send_id: str) -> list[int]:
        folder = self._folder(send_id)
        if not folder.is_dir():
            return []
        found = {int(p.name): p.stat().st_size for p in folder.iterdir() if _PART.match(p.name)}
        return _in_sequence(found)

    def delete(self, send_id: str) -> None:
        folder = self._folder(send_id)
        if not folder.is_dir():
            return
        for path in folder.iterdir():
            path.unlink(missing_ok=True)
        folder.rmdir()


class S3SendStore:
    """Parts as objects of an S3-compatible bucket (AWS, MinIO, Ceph...), credentials from boto3's chain."""

    def __init__(self, bucket: str, prefix: str = "", endpoint_url: str = "", client=None):
        import boto3  # only a service configured for S3 loads it

        self.bucket = bucket
        self.prefix = f"{prefix.strip('/')}/sends/" if prefix.strip("/") else "sends/"
        self._s3 = client or boto3.client("s3", endpoint_url=endpoint_url or None)

    @contextmanager
    def _answering(self):
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            yield
        except self._s3.exceptions.NoSuchKey:
            raise MissingPart("a part of a Send is missing") from None
        except (BotoCoreError, ClientError) as error:
            raise StoreUnavailable(f"the Send bucket did not answer: {error}") from error

    def _key(self, send_id: str, number: int) -> str:
        return f"{self.prefix}{_checked(send_id)}/{number:06d}"

    def put_part(self, send_id: str, number: int, data: bytes) -> None:
        with self._answering():
            self._s3.put_object(Bucket=self.bucket, Key=self._key(send_id, number), Body=data)

    def iter_parts(self, send_id: str, count: int) -> Iterator[bytes]:
        for number in range(count):
            with self._answering():
                body = self._s3.get_object(Bucket=self.bucket, Key=self._key(send_id, number))["Body"]
                try:
                    yield from body.iter_chunks(READ_BLOCK)
                finally:
                    body.close()

    def _objects(self, send_id: str) -> list[dict]:
        with self._answering():
            pages = self._s3.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=f"{self.prefix}{_checked(send_id)}/")
            return [item for page in pages for item in page.get("Contents", ())]

    def part_sizes(self, send_id: str) -> list[int]:
        found = {}
        for item in self._objects(send_id):
            name = item["Key"].rsplit("/", 1)[1]
            if _PART.match(name):
                found[int(name)] = item["Size"]
        return _in_sequence(found)

    def delete(self, send_id: str) -> None:
        keys = [{"Key": item["Key"]} for item in self._objects(send_id)]
        for start in range(0, len(keys), 1000):  # the most one delete_objects takes
            with self._answering():
                self._s3.delete_objects(Bucket=self.bucket,
                                        Delete={"Objects": keys[start:start + 1000], "Quiet": True})


def _in_sequence(found: dict[int, int]) -> list[int]:
    sizes = []
    while len(sizes) in found:
        sizes.append(found[len(sizes)])
    return sizes


def send_store_from(settings: Settings) -> SendStore:
    """The store `settings` name: SEND_STORE=local (SEND_STORE_DIR) or s3 (SEND_S3_BUCKET, _PREFIX, _ENDPOINT_URL)."""
    if settings.send_store == "s3":
        return S3SendStore(settings.send_s3_bucket, settings.send_s3_prefix, settings.send_s3_endpoint_url)
    return LocalSendStore(settings.send_store_dir or settings.var_dir / "sends")
