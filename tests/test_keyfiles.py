"""One home for "the keys a setting gives, else those of a key file made on first use"."""

from pathlib import Path

import pytest

from isg.keyfiles import configured_keys


def parse(text: str, origin: str) -> tuple[str, str]:
    if not text.startswith("k"):
        raise ValueError(f"{origin}: not a key")
    return text, origin


def keys(configured, path: Path):
    return configured_keys(
        configured, parse, setting="SOME_KEY", path=path, generate=lambda: "k-new",
        warning="generated a key",
    )  # fmt: skip


def test_the_setting_wins_and_names_itself_as_the_origin(tmp_path):
    path = tmp_path / "key"
    assert keys(["k1", "k2"], path) == [("k1", "SOME_KEY"), ("k2", "SOME_KEY")]
    assert not path.exists()  # no file is made when the setting gives the keys
    with pytest.raises(ValueError, match="SOME_KEY: not a key"):
        keys(["x"], path)


def test_without_the_setting_the_file_is_made_once_and_read(tmp_path, capsys):
    path = tmp_path / "var" / "key"
    assert keys([], path) == [("k-new", str(path))]
    assert "WARNING: generated a key" in capsys.readouterr().err
    path.write_text("k1\n\n  k2  \n", encoding="ascii")
    assert keys([], path) == [("k1", str(path)), ("k2", str(path))]
    assert capsys.readouterr().err == ""
