"""``rt.files`` on a real runtime and database (both engines): records, bytes once per sha256,
refusals that store nothing, retention with the daily purge timer, legal hold, the sweep of
bytes a rolled-back put left, and a purge that waits for a put in flight."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bazaar.sdk.errors import FileNotFound, FileTooLarge, FileTypeRefused
from bazaar.sdk.files import FileRules

PDF = b"%PDF-1.4\n% evidence\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00 photo"
PHOTOS = FileRules(max_bytes=1024, content_types=("image/jpeg", "image/png", "application/pdf"), retention_days=30)
FOREVER = FileRules(max_bytes=1024, content_types=("image/jpeg", "application/pdf"))


def stored_hashes(files_dir: str) -> list[str]:
    return sorted(p.name for p in Path(files_dir).glob("??/??/*") if not p.name.startswith("."))


async def count(kit: Any, where: str = "1 = 1", *args: Any) -> int:
    row = await kit.runtime.db.fetchrow(f"SELECT COUNT(*) AS n FROM kernel_file WHERE {where}", *args)
    return int(row["n"])


async def test_put_records_the_file_and_reads_it_back(bazaar: Any, bazaar_files_dir: str) -> None:
    files = bazaar.runtime.files
    stored = await files.put("aftersales.evidence", PHOTOS, JPEG, filename="破损照片.jpg", owner_id="usr_1",
                             subject="order:ord_1", access="parties", declared_type="image/jpeg")
    assert stored.id.startswith("file_") and stored.sha256 == hashlib.sha256(JPEG).hexdigest()
    assert (stored.content_type, stored.size, stored.filename) == ("image/jpeg", len(JPEG), "破损照片.jpg")
    assert stored.retain_until == bazaar.clock.now() + timedelta(days=30) and not stored.legal_hold
    assert await files.get(stored.id) == stored
    assert await files.read(stored.id) == JPEG
    assert stored_hashes(bazaar_files_dir) == [stored.sha256]
    with pytest.raises(FileNotFound):
        await files.get("file_01JD0000000000000000000000")


async def test_the_same_bytes_are_kept_once(bazaar: Any, bazaar_files_dir: str) -> None:
    files = bazaar.runtime.files
    first = await files.put("reviews.photo", PHOTOS, JPEG, filename="a.jpg", owner_id="usr_1")
    second = await files.put("complaints.evidence", FOREVER, JPEG, filename="b.jpg", owner_id="usr_2")
    assert first.id != second.id and first.sha256 == second.sha256
    assert stored_hashes(bazaar_files_dir) == [first.sha256]
    assert await count(bazaar) == 2


async def test_refused_files_leave_nothing(bazaar: Any, bazaar_files_dir: str) -> None:
    files = bazaar.runtime.files
    with pytest.raises(FileTooLarge) as big:
        await files.put("reviews.photo", PHOTOS, JPEG + b"\x00" * 2000, filename="big.jpg", owner_id="u", field="photo")
    assert big.value.errors[0].field == "photo"
    with pytest.raises(FileTypeRefused):  # a PNG named .jpg and declared image/jpeg
        await files.put("reviews.photo", PHOTOS, b"\x89PNG\r\n\x1a\n....", filename="x.jpg", owner_id="u",
                        declared_type="image/jpeg")
    with pytest.raises(FileTypeRefused):  # an executable named .pdf
        await files.put("reviews.photo", PHOTOS, b"MZ\x90\x00", filename="x.pdf", owner_id="u")
    assert await count(bazaar) == 0 and stored_hashes(bazaar_files_dir) == []


async def test_retention_purge_keeps_held_and_shared_files(bazaar: Any, bazaar_files_dir: str) -> None:
    files = bazaar.runtime.files
    text = "退货理由：尺码不符".encode()
    expiring = await files.put("aftersales.evidence", PHOTOS, JPEG, filename="a.jpg", owner_id="u")
    sharing = await files.put("qualification.kyb", FOREVER, JPEG, filename="same.jpg", owner_id="m")  # same bytes, kept
    held = await files.put("complaints.evidence", PHOTOS, PDF, filename="held.pdf", owner_id="u")
    lone = await files.put("aftersales.evidence", FileRules(max_bytes=100, content_types=("text/plain",),
                                                            retention_days=30), text, filename="n.txt", owner_id="u")
    assert (await files.set_legal_hold(held.id, True)).legal_hold
    await bazaar.advance(timedelta(days=29))  # the daily purge ran: nothing is due yet
    assert await count(bazaar) == 4
    await bazaar.advance(timedelta(days=2))
    for gone in (expiring, lone):
        with pytest.raises(FileNotFound):
            await files.get(gone.id)
    assert await files.read(sharing.id) == JPEG and await files.read(held.id) == PDF
    assert stored_hashes(bazaar_files_dir) == sorted([sharing.sha256, held.sha256])
    await files.set_legal_hold(held.id, False)
    await bazaar.advance(timedelta(days=1))  # the next day's purge
    with pytest.raises(FileNotFound):
        await files.get(held.id)
    assert stored_hashes(bazaar_files_dir) == [sharing.sha256]
    pending = await bazaar.runtime.db.fetch(
        "SELECT due_at FROM kernel_timer WHERE kind = 'kernel.files_purge' AND status = 'pending'")
    assert [r["due_at"] for r in pending] == [bazaar.clock.now() + timedelta(days=1)]  # one a day, always


async def test_retention_moved_later_or_cleared(bazaar: Any) -> None:
    files = bazaar.runtime.files
    closed_case = await files.put("aftersales.evidence", PHOTOS, JPEG, filename="a.jpg", owner_id="u")
    kept = await files.put("aftersales.evidence", PHOTOS, PDF, filename="b.pdf", owner_id="u")
    later = bazaar.clock.now() + timedelta(days=1095)
    assert (await files.set_retention(closed_case.id, later)).retain_until == later
    assert (await files.set_retention(kept.id, None)).retain_until is None
    await bazaar.advance(timedelta(days=1094))
    assert (await files.get(closed_case.id)).id == closed_case.id and (await files.get(kept.id)).id == kept.id
    await bazaar.advance(timedelta(days=2))
    with pytest.raises(FileNotFound):
        await files.get(closed_case.id)
    assert await files.read(kept.id) == PDF


async def test_governing_an_unknown_file_is_not_found(bazaar: Any) -> None:
    with pytest.raises(FileNotFound):
        await bazaar.runtime.files.set_legal_hold("file_01JD0000000000000000000000", True)
    with pytest.raises(FileNotFound):
        await bazaar.runtime.files.set_retention("file_01JD0000000000000000000000", None)


async def test_bytes_of_a_rolled_back_put_are_swept(bazaar: Any, bazaar_files_dir: str) -> None:
    rt = bazaar.runtime
    with pytest.raises(RuntimeError):
        async with rt.unit_of_work():
            await rt.files.put("reviews.photo", PHOTOS, JPEG, filename="a.jpg", owner_id="u")
            raise RuntimeError("the review was refused after the upload")
    assert await count(bazaar) == 0 and len(stored_hashes(bazaar_files_dir)) == 1
    assert await rt.files.purge() == (0, 1)
    assert stored_hashes(bazaar_files_dir) == []


async def test_a_purge_waits_for_a_put_in_flight(bazaar: Any, bazaar_files_dir: str) -> None:
    rt = bazaar.runtime
    put_done, release = asyncio.Event(), asyncio.Event()

    async def upload() -> str:
        async with rt.unit_of_work():
            stored = await rt.files.put("reviews.photo", PHOTOS, JPEG, filename="a.jpg", owner_id="u")
            put_done.set()
            await release.wait()  # bytes written, record not committed yet
        return stored.id

    uploading = asyncio.create_task(upload())
    await asyncio.wait_for(put_done.wait(), timeout=10)
    purging = asyncio.create_task(rt.files.purge())
    done, _ = await asyncio.wait({purging}, timeout=0.5)
    assert not done, "the purge went ahead while a put of the same bytes was in flight"
    release.set()
    file_id = await asyncio.wait_for(uploading, timeout=10)
    assert await asyncio.wait_for(purging, timeout=30) == (0, 0)
    assert await rt.files.read(file_id) == JPEG


async def test_the_store_over_s3(bazaar_factory: Any, s3_config: dict[str, Any]) -> None:
    import boto3

    kit = await bazaar_factory(settings={"files": {"s3": s3_config}})
    files = kit.runtime.files
    assert files.storage.id == "s3"
    stored = await files.put("aftersales.evidence", PHOTOS, JPEG, filename="a.jpg", owner_id="u")
    assert await files.read(stored.id) == JPEG
    await kit.advance(timedelta(days=31))
    with pytest.raises(FileNotFound):
        await files.get(stored.id)
    client = boto3.session.Session().client("s3", endpoint_url=s3_config["endpoint_url"], region_name="us-east-1")
    assert client.list_objects_v2(Bucket=s3_config["bucket"]).get("KeyCount") == 0
