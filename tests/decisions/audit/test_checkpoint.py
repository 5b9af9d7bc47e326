"""Signed notes and checkpoints against the C2SP specs and Go's sumdb/note vectors; no database.

The PeterNeumann and EnochRoot keys, the signed note and its signatures, and the malformed
notes are the vectors of golang.org/x/mod/sumdb/note (note_test.go): Ed25519 is deterministic,
so signing the same text with the same key must give the same bytes Go gives.
"""

import hashlib
import subprocess

import pytest

from decisions.audit.checkpoint import (
    Checkpoint,
    NoteError,
    SignerKey,
    VerifierKey,
    key_id,
    open_checkpoint,
    open_note,
    parse_note,
    sign_note,
)

PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
PETER_SIG = (
    "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdn"
    "gotpRZb6KE6RyyBwJnAM=\n"
)
ENOCH_SIG = (
    "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWL"
    "ox33WWd1RvMc+QQ=\n"
)

PETER = VerifierKey.from_string(PETER_VKEY)
ENOCH = VerifierKey.from_string(ENOCH_VKEY)


# -- keys ----------------------------------------------------------------------------------


def test_the_key_id_is_the_first_four_bytes_of_the_spec_hash():
    assert PETER.key_id == 0xC74F20A3
    assert ENOCH.key_id == 0xAF0CFE78
    digest = hashlib.sha256(b"PeterNeumann\n\x01" + PETER.public_key).digest()
    assert key_id("PeterNeumann", PETER.public_key) == int.from_bytes(digest[:4], "big")


def test_keys_read_and_write_in_go_s_format():
    signer = SignerKey.from_string(PETER_SKEY)
    assert signer.to_string() == PETER_SKEY
    assert signer.verifier == PETER
    assert PETER.to_string() == PETER_VKEY
    assert "AYEKFAL" not in repr(signer)


def test_a_mangled_verifier_key_is_refused():
    # As in Go's TestNewVerifier: every proper substring, and every byte changed by one.
    b = PETER_VKEY.encode()
    for i in range(len(b) + 1):
        for j in range(i + 1, len(b) + 1):
            if (i, j) != (0, len(b)):
                with pytest.raises(NoteError):
                    VerifierKey.from_string(b[i:j].decode())
    for i in range(len(b)):
        mangled = bytearray(b)
        mangled[i] += 1
        with pytest.raises(NoteError):
            VerifierKey.from_string(mangled.decode())
    with pytest.raises(NoteError):  # wrong key length, with an adjusted key hash
        VerifierKey.from_string(
            "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=="
        )
    with pytest.raises(NoteError):  # unknown algorithm, with an adjusted key hash
        VerifierKey.from_string("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")


def test_a_mangled_signer_key_is_refused():
    b = PETER_SKEY.encode()
    for i in range(len(b)):
        mangled = bytearray(b)
        mangled[i] += 1
        with pytest.raises(NoteError):
            SignerKey.from_string(mangled.decode())
    for end in range(len(b)):
        with pytest.raises(NoteError):
            SignerKey.from_string(b[:end].decode())


@pytest.mark.parametrize("name", ["", "a+b", "has space", "tab\there", "nbsp\u00a0x", "nl\n"])
def test_bad_key_names_are_refused(name):
    with pytest.raises(NoteError):
        SignerKey(name, b"\x00" * 32)


def test_a_generated_key_signs_what_its_verifier_accepts():
    signer = SignerKey.generate("isg.example/audit")
    again = SignerKey.from_string(signer.to_string())
    assert again.verifier == signer.verifier
    note = sign_note("hello\n", signer)
    assert open_note(note, [again.verifier])[0] == "hello\n"


# -- notes ---------------------------------------------------------------------------------


def test_signing_reproduces_go_s_note_byte_for_byte():
    assert sign_note(TEXT, SignerKey.from_string(PETER_SKEY)) == TEXT + "\n" + PETER_SIG


def test_open_verifies_known_keys_and_ignores_unknown_ones():
    note = TEXT + "\n" + PETER_SIG + ENOCH_SIG
    text, verified = open_note(note, [PETER])
    assert text == TEXT
    assert [(s.name, s.key_id) for s in verified] == [("PeterNeumann", 0xC74F20A3)]
    _, both = open_note(note.encode(), [PETER, ENOCH])
    assert [s.name for s in both] == ["PeterNeumann", "EnochRoot"]
    with pytest.raises(NoteError, match="no signature from a trusted key"):
        open_note(note, [])


def test_a_key_with_the_same_name_but_another_id_is_unknown_not_failed():
    other = SignerKey.generate("PeterNeumann").verifier
    with pytest.raises(NoteError, match="no signature from a trusted key"):
        open_note(TEXT + "\n" + PETER_SIG, [other])


def test_a_bad_signature_from_a_known_key_rejects_the_note():
    bad = TEXT + "\n" + PETER_SIG[:60] + "ABCD" + PETER_SIG[60:]
    with pytest.raises(NoteError, match="invalid signature for key PeterNeumann"):
        open_note(bad, [PETER])
    with pytest.raises(NoteError, match="invalid signature"):
        open_note(TEXT.replace("problem,", "problem;") + "\n" + PETER_SIG, [PETER])


def test_duplicated_signatures_are_counted_once():
    _, verified = open_note(TEXT + "\n" + PETER_SIG + PETER_SIG + ENOCH_SIG, [PETER])
    assert len(verified) == 1


def test_too_many_signatures_are_refused():
    with pytest.raises(NoteError, match="malformed"):
        open_note(TEXT + "\n" + PETER_SIG * 101, [PETER])
    assert len(open_note(TEXT + "\n" + PETER_SIG * 16, [PETER])[1]) == 1


@pytest.mark.parametrize(
    "note",
    [
        TEXT,
        TEXT + "\n",
        TEXT + "\n" + PETER_SIG[:-1],
        "\x01" + TEXT + "\n" + PETER_SIG,
        b"\xff" + (TEXT + "\n" + PETER_SIG).encode(),
        TEXT + "\n" + "— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZS"
        "NXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
        TEXT + "\n" + PETER_SIG + "Unexpected line.\n",
        TEXT + "\n" + "— PeterNeumann AAAA\n",
        TEXT + "\n" + "— PeterNeumann not*base64\n",
        # The same signature bytes with a padding bit set: not canonical base64.
        TEXT + "\n" + PETER_SIG.replace("JnAM=", "JnAN="),
    ],
)
def test_malformed_notes_are_refused(note):
    with pytest.raises(NoteError):
        open_note(note, [PETER])


def test_the_text_is_split_at_the_last_blank_line():
    signer = SignerKey.generate("isg.example/audit")
    text = "first paragraph\n\nsecond paragraph\n"
    note = sign_note(text, signer)
    assert parse_note(note).text == text
    assert open_note(note, [signer.verifier])[0] == text


# -- checkpoints ---------------------------------------------------------------------------

ROOT = bytes.fromhex("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328")


def test_checkpoint_text_is_the_c2sp_format():
    checkpoint = Checkpoint("isg.example/audit", 8, ROOT)
    assert checkpoint.text() == (
        "isg.example/audit\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n"
    )
    assert Checkpoint.parse(checkpoint.text()) == checkpoint
    with_extension = Checkpoint("isg.example/audit", 0, ROOT, ("ext line",))
    assert Checkpoint.parse(with_extension.text()) == with_extension


def test_the_c2sp_example_checkpoint_parses():
    text = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    checkpoint = Checkpoint.parse(text)
    assert (checkpoint.origin, checkpoint.size) == ("example.com/behind-the-sofa", 20852163)
    assert checkpoint.text() == text


@pytest.mark.parametrize(
    "text",
    [
        "origin\n8\n",
        "origin\n08\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
        "origin\n-8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
        "origin\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=",
        "origin\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQ==\n",
        "origin\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n\n",
        "\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
    ],
)
def test_malformed_checkpoints_are_refused(text):
    with pytest.raises(NoteError):
        Checkpoint.parse(text)


def test_a_signed_checkpoint_opens_only_with_its_key_and_origin():
    signer = SignerKey.generate("isg.example/audit")
    note = Checkpoint("isg.example/audit", 8, ROOT).sign(signer)
    assert open_checkpoint(note, signer.verifier) == Checkpoint("isg.example/audit", 8, ROOT)
    other = SignerKey.generate("isg.example/audit")
    with pytest.raises(NoteError):
        open_checkpoint(note, other.verifier)
    foreign = Checkpoint("someone.else/log", 8, ROOT).sign(signer)
    with pytest.raises(NoteError, match="not 'isg.example/audit'"):
        open_checkpoint(foreign, signer.verifier)
    assert open_checkpoint(foreign, signer.verifier, origin="someone.else/log").size == 8
    # Changing one byte of the signed text breaks it.
    with pytest.raises(NoteError):
        open_checkpoint(note.replace("\n8\n", "\n9\n"), signer.verifier)


DOCUMENTED_CHECK = """
note=checkpoint.txt
head -n 3 "$note" > text
tail -n 1 "$note" | cut -d' ' -f3 | base64 -d | tail -c +5 > sig
openssl pkeyutl -verify -pubin -inkey audit-public.pem -rawin -in text -sigfile sig
"""


def test_a_checkpoint_verifies_with_openssl_alone(tmp_path):
    """The shell lines docs/audit.md gives an outsider, with standard tools only."""
    signer = SignerKey.generate("isg.example/audit")
    note = Checkpoint("isg.example/audit", 1234, ROOT).sign(signer)
    (tmp_path / "audit-public.pem").write_text(signer.verifier.public_pem())
    (tmp_path / "checkpoint.txt").write_text(note)
    run = {"cwd": tmp_path, "capture_output": True, "text": True, "shell": True}
    ok = subprocess.run(DOCUMENTED_CHECK, **run)
    assert ok.returncode == 0, ok.stderr
    assert "Signature Verified Successfully" in ok.stdout
    (tmp_path / "checkpoint.txt").write_text(note.replace("\n1234\n", "\n1233\n"))
    bad = subprocess.run(DOCUMENTED_CHECK, **run)
    assert bad.returncode != 0
    other = SignerKey.generate("isg.example/audit")
    (tmp_path / "checkpoint.txt").write_text(note)
    (tmp_path / "audit-public.pem").write_text(other.verifier.public_pem())
    assert subprocess.run(DOCUMENTED_CHECK, **run).returncode != 0
