"""End-to-end payload encryption: an AES-GCM ``PayloadCodec`` with rotating keys, and the data converter
every client and worker uses.

Temporal stores what the SDK hands it. Start inputs, events, views, activity messages, memos, summaries,
current details and failure messages all pass through the codec, so the server (and anyone reading its
database) sees ciphertext only. Search attributes are never encoded: they carry pseudonymous references only.

Keys come from configuration (``TRAJECTORIES_CODEC_KEYS="keyid:base64key,..."``): the first encrypts, every
one decrypts, and each payload names its key id, so a key can rotate while old histories still decode.
Payloads without the encryption metadata pass through untouched (histories recorded before encryption).
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import logging
import os
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter, DefaultFailureConverterWithEncodedAttributes, PayloadCodec

from domain.submission import DECRYPTED_METADATA
from service import config

logger = logging.getLogger(__name__)

ENCODING = b"binary/encrypted"
KEY_ID_METADATA = "encryption-key-id"
NONCE_BYTES = 12
KEY_ID_PATTERN = re.compile(r"[A-Za-z0-9._-]{1,64}")


class KeyConfigurationError(ValueError):
    """The configured keys are missing or malformed (the message never contains key material)."""


class PayloadDecryptionError(ValueError):
    """An encrypted payload names an unknown key or fails authentication (tampered, or the wrong key)."""


@dataclasses.dataclass(frozen=True)
class CodecKey:
    id: str
    secret: bytes = dataclasses.field(repr=False)

    @classmethod
    def generate(cls, key_id: str) -> CodecKey:
        return cls(key_id, AESGCM.generate_key(bit_length=256))

    def encoded(self) -> str:
        """``keyid:base64key``, the configuration form."""
        return f"{self.id}:{base64.b64encode(self.secret).decode()}"


def parse_keys(text: str, source: str = config.CODEC_KEYS_VARIABLE) -> tuple[CodecKey, ...]:
    """Parse ``keyid:base64key,...`` (commas or newlines, ``#`` comments); the first is the current key."""
    keys: list[CodecKey] = []
    entries = [part.strip() for line in text.splitlines() for part in line.partition("#")[0].split(",")]
    for position, entry in enumerate(entry for entry in entries if entry):
        key_id, separator, encoded = entry.partition(":")
        if not separator or not KEY_ID_PATTERN.fullmatch(key_id):
            raise KeyConfigurationError(
                f"{source}: entry {position + 1} must be 'keyid:base64key' with a key id of letters, digits, '.', '_', '-'"
            )
        try:
            secret = base64.b64decode(encoded.strip(), validate=True)
        except (binascii.Error, ValueError):
            raise KeyConfigurationError(f"{source}: key {key_id!r} is not valid base64") from None
        if len(secret) not in (16, 24, 32):
            raise KeyConfigurationError(f"{source}: key {key_id!r} must be 16, 24 or 32 bytes (AES-128/192/256)")
        if any(key.id == key_id for key in keys):
            raise KeyConfigurationError(f"{source}: key id {key_id!r} appears twice")
        keys.append(CodecKey(key_id, secret))
    if not keys:
        raise KeyConfigurationError(f"{source}: no key configured")
    return tuple(keys)


def configured_keys() -> tuple[CodecKey, ...]:
    """The keys from ``TRAJECTORIES_CODEC_KEYS``, else the file ``TRAJECTORIES_CODEC_KEYS_FILE``, else the
    dev key file the run command creates (``var/codec-keys``)."""
    text = os.environ.get(config.CODEC_KEYS_VARIABLE)
    if text:
        return parse_keys(text)
    path = config.codec_keys_file()
    if path.exists():
        return parse_keys(path.read_text(encoding="utf-8"), source=str(path))
    raise KeyConfigurationError(
        f"no payload encryption key: set {config.CODEC_KEYS_VARIABLE}='keyid:base64key' (or "
        f"{config.CODEC_KEYS_FILE_VARIABLE}); `python3 dev.py serve` creates a dev key in {path}"
    )


def ensure_dev_keys(path: Path | None = None) -> tuple[Path, bool]:
    """Create a dev key file once (mode 0600) if none exists; returns its path and whether it was created."""
    path = path or config.codec_keys_file()
    if path.exists():
        return path, False
    key = CodecKey.generate(f"dev-{datetime.now(UTC):%Y%m%d}")
    text = (
        "# payload encryption keys for local development: keyid:base64key, the first encrypts\n" + key.encoded() + "\n"
    )
    return path, config.create_private_file(path, text)


class EncryptionCodec(PayloadCodec):
    """AES-256-GCM over each serialised payload; a random 96-bit nonce per payload, the key id as associated
    data (so the id cannot be swapped), ``cryptography``'s AEAD so tampering fails loudly."""

    def __init__(self, keys: Sequence[CodecKey]) -> None:
        if not keys:
            raise KeyConfigurationError("EncryptionCodec needs at least one key")
        self.current = keys[0]
        self._ciphers = {key.id: AESGCM(key.secret) for key in keys}

    @property
    def key_ids(self) -> tuple[str, ...]:
        return tuple(self._ciphers)

    async def encode(self, payloads: Iterable[Payload]) -> list[Payload]:
        return [self.encrypt(payload) for payload in payloads]

    async def decode(self, payloads: Iterable[Payload]) -> list[Payload]:
        return [self.decrypt(payload) for payload in payloads]

    def encrypt(self, payload: Payload) -> Payload:
        key_id = self.current.id.encode()
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._ciphers[self.current.id].encrypt(nonce, payload.SerializeToString(), key_id)
        return Payload(metadata={"encoding": ENCODING, KEY_ID_METADATA: key_id}, data=nonce + sealed)

    def decrypt(self, payload: Payload) -> Payload:
        if payload.metadata.get("encoding") != ENCODING:
            if DECRYPTED_METADATA in payload.metadata:  # a plain payload cannot claim to have been encrypted
                payload = Payload(metadata=payload.metadata, data=payload.data)
                del payload.metadata[DECRYPTED_METADATA]
            return payload  # plain (recorded before encryption, or not ours): untouched
        key_id = payload.metadata.get(KEY_ID_METADATA, b"").decode(errors="replace")
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise PayloadDecryptionError(
                f"payload encrypted with unknown key id {key_id!r}; configured: {', '.join(self._ciphers)}"
            )
        try:
            plain = cipher.decrypt(payload.data[:NONCE_BYTES], payload.data[NONCE_BYTES:], key_id.encode())
        except InvalidTag:
            raise PayloadDecryptionError(f"payload (key id {key_id!r}) failed authentication: tampered") from None
        decrypted = Payload.FromString(plain)
        decrypted.metadata[DECRYPTED_METADATA] = key_id.encode()  # the validator's proof (domain.submission)
        return decrypted


def data_converter(keys: Sequence[CodecKey] | None = None) -> DataConverter:
    """``pydantic_data_converter`` with the encryption codec; failure messages and stack traces are moved
    into encoded attributes so they are encrypted too (they can quote input)."""
    return dataclasses.replace(
        pydantic_data_converter,
        payload_codec=EncryptionCodec(keys or configured_keys()),
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )


def is_encrypting(converter: DataConverter) -> bool:
    return isinstance(converter.payload_codec, EncryptionCodec)


def main(argv: Sequence[str]) -> None:
    """``python -m service.encryption new-key <key-id>``: print a fresh ``keyid:base64key`` entry to put
    first in ``TRAJECTORIES_CODEC_KEYS`` (rotation: keep the old entries after it)."""
    if len(argv) != 2 or argv[0] != "new-key" or not KEY_ID_PATTERN.fullmatch(argv[1]):
        raise SystemExit("usage: python -m service.encryption new-key <key-id>  (letters, digits, '.', '_', '-')")
    print(CodecKey.generate(argv[1]).encoded())


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
