"""Signed checkpoints of the audit log's Merkle tree, as C2SP signed notes; no Django.

A checkpoint (c2sp.org/tlog-checkpoint) is the note text

    <origin>\\n<tree size>\\n<base64 root hash>\\n

signed as a C2SP signed note (c2sp.org/signed-note): the text, a blank line, and one line per
signature, ``— <key name> base64(4-byte key ID || Ed25519 signature)``. The key ID is
``SHA-256(key name || 0x0A || 0x01 || public key)[:4]``, big-endian.

Keys are written as Go's ``golang.org/x/mod/sumdb/note`` writes them, so the Go tools and the
transparency-dev witnesses read them unchanged:

- verifier key: ``<name>+<key ID, 8 hex digits>+base64(0x01 || 32-byte public key)``;
- signer key:   ``PRIVATE+KEY+<name>+<key ID>+base64(0x01 || 32-byte seed)``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ED25519 = 0x01
"""The signed-note signature type of plain Ed25519."""

SIGNER_PREFIX = "PRIVATE+KEY+"
MAX_SIGNATURES = 100
"""More signature lines than this and the note is refused (the spec asks for at least 16)."""
MAX_NOTE_BYTES = 1 << 20
ROOT_HASH_SIZE = 32

_DECIMAL = re.compile(r"0|[1-9][0-9]*")


class NoteError(ValueError):
    """A note, key or checkpoint is malformed, or no trusted signature on it verifies."""


def _b64decode(text: str, what: str) -> bytes:
    """Strict standard base64: also refuses non-zero padding bits, so one text, one value."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise NoteError(f"{what} is not valid base64") from None
    if _b64encode(raw) != text:
        raise NoteError(f"{what} is not in canonical base64")
    return raw


def _b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def check_key_name(name: str) -> str:
    """A key name must be non-empty, without spaces, ``+`` or control characters."""
    if not name or any(c.isspace() or c == "+" or ord(c) < 0x20 for c in name):
        raise NoteError(f"{name!r} is not a valid key name")
    return name


def key_id(name: str, public_key: bytes) -> int:
    """The C2SP key ID of an Ed25519 key: the first four bytes of a SHA-256, big-endian."""
    digest = hashlib.sha256(name.encode() + b"\n" + bytes([ED25519]) + public_key).digest()
    return int.from_bytes(digest[:4], "big")


def _key_text(text: str, what: str, form: str) -> tuple[str, int, bytes]:
    """The name, stated key ID and 32 key bytes of ``name+keyid+base64(0x01 || key)``, the
    form both keys are written in; `form` is how the text should look, for the error."""
    name, _, rest = text.partition("+")
    id_hex, _, material = rest.partition("+")
    if not re.fullmatch(r"[0-9a-f]{8}", id_hex):
        raise NoteError(f"a {what} is {form}")
    raw = _b64decode(material, f"the {what}")
    if len(raw) != 33 or raw[0] != ED25519:
        raise NoteError(f"the {what} is not an Ed25519 key (type 0x01, 32 bytes)")
    return check_key_name(name), int(id_hex, 16), raw[1:]


@dataclass(frozen=True)
class VerifierKey:
    """A trusted public key: its name, key ID and 32 raw Ed25519 bytes."""

    name: str
    public_key: bytes

    def __post_init__(self) -> None:
        check_key_name(self.name)
        if len(self.public_key) != 32:
            raise NoteError("an Ed25519 public key is 32 bytes")

    @property
    def key_id(self) -> int:
        return key_id(self.name, self.public_key)

    @classmethod
    def from_string(cls, text: str) -> VerifierKey:
        """Parse ``name+keyid+base64(0x01 || key)``, checking the key ID matches."""
        name, stated_id, public_key = _key_text(
            text.strip(),
            "verifier key",
            "name+keyid+key, the key ID 8 lowercase hex digits",
        )
        key = cls(name, public_key)
        if key.key_id != stated_id:
            raise NoteError("the verifier key's key ID does not match its name and key")
        return key

    def to_string(self) -> str:
        return f"{self.name}+{self.key_id:08x}+{_b64encode(bytes([ED25519]) + self.public_key)}"

    def public_pem(self) -> str:
        """The key as a PEM SubjectPublicKeyInfo, for ``openssl pkeyutl -verify``."""
        key = Ed25519PublicKey.from_public_bytes(self.public_key)
        return key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode("ascii")

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except (InvalidSignature, ValueError):
            return False
        return True


@dataclass(frozen=True)
class SignerKey:
    """A private Ed25519 key under a key name."""

    name: str
    seed: bytes

    def __post_init__(self) -> None:
        check_key_name(self.name)
        if len(self.seed) != 32:
            raise NoteError("an Ed25519 private key (seed) is 32 bytes")

    def __repr__(self) -> str:  # never print the seed by accident
        return f"SignerKey(name={self.name!r}, key_id={self.verifier.key_id:08x})"

    @classmethod
    def generate(cls, name: str) -> SignerKey:
        seed = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        return cls(name, seed)

    @classmethod
    def from_string(cls, text: str) -> SignerKey:
        """Parse ``PRIVATE+KEY+name+keyid+base64(0x01 || seed)``, checking the key ID."""
        text = text.strip()
        if not text.startswith(SIGNER_PREFIX):
            raise NoteError("a signer key starts with PRIVATE+KEY+")
        name, stated_id, seed = _key_text(
            text[len(SIGNER_PREFIX) :], "signer key", "PRIVATE+KEY+name+keyid+key"
        )
        key = cls(name, seed)
        if key.verifier.key_id != stated_id:
            raise NoteError("the signer key's key ID does not match its name and key")
        return key

    def to_string(self) -> str:
        material = _b64encode(bytes([ED25519]) + self.seed)
        return f"{SIGNER_PREFIX}{self.name}+{self.verifier.key_id:08x}+{material}"

    @property
    def _private(self) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(self.seed)

    @property
    def verifier(self) -> VerifierKey:
        public = self._private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return VerifierKey(self.name, public)

    def sign(self, message: bytes) -> bytes:
        return self._private.sign(message)


@dataclass(frozen=True)
class Signature:
    """One signature line: the key name, the key ID and the raw signature bytes."""

    name: str
    key_id: int
    signature: bytes

    def line(self) -> str:
        blob = self.key_id.to_bytes(4, "big") + self.signature
        return f"— {self.name} {_b64encode(blob)}\n"


@dataclass(frozen=True)
class Note:
    """A parsed, *unverified* signed note."""

    text: str
    signatures: tuple[Signature, ...]


def _check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise NoteError("malformed note: the text must end in a newline")
    if any(ord(c) < 0x20 and c != "\n" for c in text):
        raise NoteError("malformed note: control characters other than newline")


def sign_note(text: str, *signers: SignerKey) -> str:
    """The signed note: ``text``, a blank line, one signature line per signer."""
    _check_text(text)
    if not signers:
        raise NoteError("a note needs at least one signature")
    message = text.encode("utf-8")
    lines = [Signature(s.name, s.verifier.key_id, s.sign(message)).line() for s in signers]
    return text + "\n" + "".join(lines)


def parse_note(note: str | bytes) -> Note:
    """Split a note into its text and signature lines; verifies nothing."""
    if isinstance(note, bytes):
        if len(note) > MAX_NOTE_BYTES:
            raise NoteError("malformed note: too long")
        try:
            note = note.decode("utf-8")
        except UnicodeDecodeError:
            raise NoteError("malformed note: not UTF-8") from None
    elif len(note.encode("utf-8", "surrogatepass")) > MAX_NOTE_BYTES:
        raise NoteError("malformed note: too long")
    if any(ord(c) < 0x20 and c != "\n" for c in note):
        raise NoteError("malformed note: control characters other than newline")
    if any(0xD800 <= ord(c) <= 0xDFFF for c in note):
        raise NoteError("malformed note: not UTF-8")
    split = note.rfind("\n\n")
    if split < 0:
        raise NoteError("malformed note: no blank line before the signatures")
    text, block = note[: split + 1], note[split + 2 :]
    if not block or not block.endswith("\n"):
        raise NoteError("malformed note: no signature lines, or the last one is unfinished")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError(f"malformed note: more than {MAX_SIGNATURES} signatures")
    signatures = []
    for line in lines:
        match = re.fullmatch(r"— (\S+) (\S+)", line)
        if not match:
            raise NoteError(f"malformed note: {line[:60]!r} is not a signature line")
        name, blob_text = match.groups()
        check_key_name(name)
        blob = _b64decode(blob_text, "a signature")
        if len(blob) < 5:
            raise NoteError("malformed note: a signature is too short")
        signatures.append(Signature(name, int.from_bytes(blob[:4], "big"), blob[4:]))
    return Note(text, tuple(signatures))


def open_note(note: str | bytes, verifiers: Iterable[VerifierKey]) -> tuple[str, list[Signature]]:
    """The note's text and the signatures that verified, or :class:`NoteError`.

    As the spec says: signatures from unknown keys (name *and* key ID) are ignored; one from a
    known key that fails rejects the whole note; a note with no verified signature is refused.
    """
    parsed = parse_note(note)
    known: dict[tuple[str, int], VerifierKey] = {}
    for key in verifiers:
        if known.setdefault((key.name, key.key_id), key) != key:
            raise NoteError(f"ambiguous key {key.name}+{key.key_id:08x}")
    message = parsed.text.encode("utf-8")
    verified: list[Signature] = []
    for signature in parsed.signatures:
        trusted = known.get((signature.name, signature.key_id))
        if trusted is None:
            continue
        if not trusted.verify(message, signature.signature):
            raise NoteError(
                f"invalid signature for key {signature.name}+{signature.key_id:08x}"
            )
        if signature not in verified:
            verified.append(signature)
    if not verified:
        raise NoteError("the note has no signature from a trusted key")
    return parsed.text, verified


@dataclass(frozen=True)
class Checkpoint:
    """A tree head: the log's origin, its size and its RFC 9162 root hash."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.origin or "\n" in self.origin:
            raise NoteError("a checkpoint's origin is one non-empty line")
        if not isinstance(self.size, int) or self.size < 0:
            raise NoteError("a checkpoint's tree size is a non-negative integer")
        if len(self.root) != ROOT_HASH_SIZE:
            raise NoteError(f"a checkpoint's root hash is {ROOT_HASH_SIZE} bytes")
        if any(not line or "\n" in line for line in self.extensions):
            raise NoteError("extension lines are single, non-empty lines")

    def text(self) -> str:
        """The note text, byte for byte as c2sp.org/tlog-checkpoint has it."""
        lines = [self.origin, str(self.size), _b64encode(self.root), *self.extensions]
        return "".join(line + "\n" for line in lines)

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """Parse a checkpoint's note text (not the signatures: see :func:`open_checkpoint`)."""
        _check_text(text)
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise NoteError("a checkpoint has at least three lines: origin, size, root hash")
        origin, size, root, *extensions = lines
        if len(size) > 20 or not _DECIMAL.fullmatch(size):
            raise NoteError(f"{size[:30]!r} is not a tree size (decimal, no leading zeros)")
        raw_root = _b64decode(root, "the root hash")
        return cls(origin, int(size), raw_root, tuple(extensions))

    def sign(self, *signers: SignerKey) -> str:
        """The signed checkpoint note."""
        return sign_note(self.text(), *signers)


def open_checkpoint(
    note: str | bytes, verifier: VerifierKey, origin: str | None = None
) -> Checkpoint:
    """A checkpoint whose signature by ``verifier`` checks out, from the expected origin.

    The origin defaults to the key's name: this log signs under its own origin, so a checkpoint
    of another log signed with the same key is not mistaken for one of ours.
    """
    text, _ = open_note(note, [verifier])
    checkpoint = Checkpoint.parse(text)
    expected = verifier.name if origin is None else origin
    if checkpoint.origin != expected:
        raise NoteError(f"the checkpoint is for {checkpoint.origin!r}, not {expected!r}")
    return checkpoint
