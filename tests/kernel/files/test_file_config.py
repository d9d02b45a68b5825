"""``[files]``: where the bytes go, and a clear refusal when there is nowhere to put them."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import msgspec
import pytest

from bazaar.core.kernel.config import load_settings
from bazaar.core.kernel.files import LocalDirectoryStorage, S3Storage, build_storage
from bazaar.core.kernel.runtime import Runtime
from bazaar.sdk.errors import ConfigError
from bazaar.sdk.files import FileRules

PG = "postgresql://shop@db.internal:5432/shop"


def settings(**over: Any) -> Any:
    return load_settings(environ={}, overrides=over)


def test_beside_the_sqlite_file_by_default(tmp_path: Path) -> None:
    storage = build_storage(settings(database={"url": f"sqlite:///{tmp_path}/shop.sqlite3"}))
    assert isinstance(storage, LocalDirectoryStorage) and storage.root == Path(f"{tmp_path}/shop.sqlite3.files")


def test_a_configured_directory_wins(tmp_path: Path) -> None:
    storage = build_storage(load_settings(environ={"BAZAAR_FILES_DIR": str(tmp_path / "kept")}))
    assert isinstance(storage, LocalDirectoryStorage) and storage.root == tmp_path / "kept"


def test_s3_when_configured_credentials_never_in_the_file() -> None:
    s3 = {"bucket": "shop-files", "endpoint_url": "https://s3.example", "region": "cn-north-1"}
    assert isinstance(build_storage(settings(database={"url": PG}, files={"s3": s3})), S3Storage)
    with pytest.raises(ConfigError) as refused:
        settings(files={"s3": {**s3, "secret_access_key": "x" * 40}})
    assert refused.value.problems == [
        "files.s3.secret_access_key: unknown key (allowed: bucket, endpoint_url, region, prefix, addressing_style, "
        "connect_timeout_seconds, read_timeout_seconds, max_attempts)"
    ]


@pytest.mark.parametrize("url", [PG, "sqlite:///:memory:"])
def test_no_database_file_and_no_place_configured_refuses_to_start(url: str) -> None:
    with pytest.raises(ConfigError) as refused:
        Runtime(settings(database={"url": url}))
    assert refused.value.problems[0].startswith("files: no place to keep stored files")
    assert "[files] dir" in refused.value.problems[0] and "[files.s3]" in refused.value.problems[0]


def cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BAZAAR_")}
    return subprocess.run([sys.executable, "-m", "bazaar.core.cli", *args], env={**clean, **env},
                          capture_output=True, text=True, timeout=120, cwd=cwd)


def test_cli_refuses_postgresql_without_a_files_place(tmp_path: Path) -> None:
    done = cli("config", "check", env={"BAZAAR_DATABASE_URL": PG}, cwd=tmp_path)
    assert done.returncode == 2 and "files: no place to keep stored files" in done.stderr


async def test_bazaar_files_purge(bazaar: Any, bazaar_db_url: str, bazaar_files_dir: str, tmp_path: Path) -> None:
    files = bazaar.runtime.files
    rules = FileRules(max_bytes=100, content_types=("application/pdf",), retention_days=1)
    old = await files.put("aftersales.evidence", rules, b"%PDF-1.4 old", filename="old.pdf", owner_id="u")
    await bazaar.advance(timedelta(hours=1))  # nothing expired: the kit's clock stands in January 2026
    env = {"BAZAAR_DATABASE_URL": bazaar_db_url, "BAZAAR_FILES_DIR": bazaar_files_dir}
    done = cli("files", "purge", env=env, cwd=tmp_path)  # the command runs on the real clock: long expired
    assert done.returncode == 0, done.stderr
    assert msgspec.json.decode(done.stdout) == {"purged_records": 1, "deleted_blobs": 1}
    assert not any(Path(bazaar_files_dir).glob(f"??/??/{old.sha256}"))


def test_the_operator_guides_reference_config_loads(tmp_path: Path) -> None:
    import re

    guide = (Path(__file__).resolve().parents[3] / "docs" / "operators.md").read_text(encoding="utf-8")
    reference = re.search(r"```toml\n(.*?)```", guide, re.S)
    assert reference is not None
    (tmp_path / "bazaar.toml").write_text(reference.group(1), encoding="utf-8")
    loaded = load_settings(tmp_path / "bazaar.toml", environ={})
    assert loaded.files.s3 is not None and loaded.files.s3.prefix == "bazaar/"
    assert isinstance(build_storage(loaded), S3Storage)  # [files.s3] wins over [files] dir
