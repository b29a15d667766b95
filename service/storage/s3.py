"""Files in an S3-compatible bucket (AWS S3, MinIO, Ceph, Garage…) through boto3, so several
hosts share them. Credentials come the standard boto3 way (AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY, a profile or an instance role)."""

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from service.settings import Settings
from service.storage.base import CHUNK, FileMissing
from service.storage.local import check_key

_MISSING = {"404", "NoSuchKey", "NotFound"}


@lru_cache
def _client(endpoint_url: str | None, region: str) -> Any:
    """One thread-safe client per endpoint and region, per process."""
    config = Config(
        retries={"max_attempts": 5, "mode": "standard"}, s3={"addressing_style": "path"}
    )
    return boto3.client("s3", endpoint_url=endpoint_url, region_name=region, config=config)


class S3Storage:
    """One area under `{prefix}{area}/` in the bucket."""

    def __init__(self, client: Any, bucket: str, prefix: str) -> None:
        self.client, self.bucket, self.prefix = client, bucket, prefix

    @classmethod
    def for_area(cls, area: str, settings: Settings) -> "S3Storage":
        if not settings.s3_bucket:
            raise ValueError("SUPPLIERDEV_STORAGE=s3 needs SUPPLIERDEV_S3_BUCKET")
        client = _client(settings.s3_endpoint_url, settings.s3_region)
        return cls(client, settings.s3_bucket, f"{settings.s3_prefix}{area}/")

    def _name(self, key: str) -> str:
        return self.prefix + check_key(key)

    def put_file(self, key: str, source: Path) -> None:
        self.client.upload_file(str(source), self.bucket, self._name(key))
        source.unlink(missing_ok=True)

    def put_bytes(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._name(key), Body=data)

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _MISSING:
                return False
            raise
        return True

    def iter_bytes(self, key: str) -> Iterator[bytes]:
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self._name(key))["Body"]
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _MISSING:
                raise FileMissing(key) from None
            raise
        with body:
            yield from body.iter_chunks(CHUNK)

    def local_path(self, key: str) -> Path | None:
        return None

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))

    def keys(self) -> Iterator[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        )
        for page in pages:
            for item in page.get("Contents", []):
                yield item["Key"][len(self.prefix) :]
