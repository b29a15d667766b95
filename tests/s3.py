"""A real S3-compatible server on loopback for tests: moto in server mode, in a process of
its own, with a fresh bucket."""

import os
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import boto3

from tests.server import started_server

CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@dataclass
class S3Server:
    endpoint: str
    bucket: str

    def settings_env(self) -> dict[str, str]:
        """What a service process needs to store its files in the bucket."""
        return {
            **CREDENTIALS,
            "SUPPLIERDEV_STORAGE": "s3",
            "SUPPLIERDEV_S3_ENDPOINT_URL": self.endpoint,
            "SUPPLIERDEV_S3_BUCKET": self.bucket,
        }

    def client(self):  # type: ignore[no-untyped-def]
        return boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1")


@contextmanager
def running_s3() -> Iterator[S3Server]:
    """Start moto's S3 server on 127.0.0.1 and make a bucket; stop it afterwards."""
    os.environ.update(CREDENTIALS)
    command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", "{port}"]
    with started_server("sqlite://", command=command, ready_path="/moto-api/") as server:
        s3 = S3Server(server.base, f"supplierdev-{uuid.uuid4().hex[:12]}")
        s3.client().create_bucket(Bucket=s3.bucket)
        yield s3
