"""Review photos through the shared file store: limits, who sees them, and the storefront filter."""

from __future__ import annotations

from reviews_market import make_market

PNG = b"\x89PNG\r\n\x1a\n" + bytes(200)
JPEG = b"\xff\xd8\xff\xe0" + bytes(300)


async def upload(m, who, data: bytes, content_type: str = "image/png", filename: str = "tea.png"):
    return await m.c.post(f"/api/v1/reviews/photos?filename={filename}", content=data,
                          headers={**who.headers, "Content-Type": content_type})


async def test_a_review_with_photos_is_shown_filtered_and_counted(bazaar_factory):
    m = await make_market(bazaar_factory)
    buyer, other = await m.buyer(), await m.buyer()
    ids = []
    for data, kind in ((PNG, "image/png"), (JPEG, "image/jpeg")):
        r = await upload(m, buyer, data, kind)
        assert r.status_code == 201, r.text
        assert r.json()["content_type"] == kind and len(r.json()["sha256"]) == 64
        ids.append(r.json()["id"])
    # before it is attached, a photo is its uploader's only
    assert (await m.c.get(f"/api/v1/reviews/photos/{ids[0]}", headers=buyer.headers)).status_code == 200
    assert (await m.c.get(f"/api/v1/reviews/photos/{ids[0]}", headers=other.headers)).status_code == 404

    review = await m.reviewed(buyer, 5, text="Look at the leaves", photo_ids=ids)
    assert [p["id"] for p in review["photos"]] == ids
    await m.reviewed(other, 4)
    base = f"/api/v1/reviews/products/{m.products[0]}/reviews"
    (with_photos,) = (await m.c.get(base + "?with_photos=true")).json()["items"]
    assert with_photos["id"] == review["id"]
    assert (await m.summary())["with_photos"] == 1

    r = await m.c.get(review["photos"][0]["url"])
    assert r.status_code == 200 and r.content == PNG and r.headers["content-type"] == "image/png"
    assert r.headers["x-content-type-options"] == "nosniff"

    await m.hide(review["id"], "obscenity", "An obscene picture.")
    assert (await m.c.get(review["photos"][0]["url"])).status_code == 404
    assert (await m.c.get(review["photos"][0]["url"], headers=buyer.headers)).status_code == 200
    assert (await m.c.get(review["photos"][0]["url"], headers=m.operator.headers)).status_code == 200
    assert (await m.c.get(base + "?with_photos=true")).json()["items"] == []
    assert (await m.summary())["with_photos"] == 0


async def test_the_store_refuses_what_is_not_a_photo_or_too_big(bazaar_factory):
    m = await make_market(bazaar_factory, photos={"max_bytes": 1024})
    buyer = await m.buyer()
    r = await upload(m, buyer, b"just some text pretending", "image/png")
    assert r.status_code == 415 and r.json()["code"] == "file_type_refused", r.text
    r = await upload(m, buyer, b"%PDF-1.4 " + bytes(50), "application/pdf", "a.pdf")
    assert r.status_code == 415, r.text
    r = await upload(m, buyer, PNG + bytes(2000))
    assert r.status_code == 413 and r.json()["code"] == "file_too_large", r.text
    assert (await m.c.post("/api/v1/reviews/photos?filename=a.png", content=PNG)).status_code == 401


async def test_only_your_own_unused_photos_within_the_limit(bazaar_factory):
    m = await make_market(bazaar_factory, photos={"max_count": 2})
    buyer, other = await m.buyer(), await m.buyer()
    mine = [(await upload(m, buyer, PNG + bytes([i]))).json()["id"] for i in range(3)]
    theirs = (await upload(m, other, JPEG, "image/jpeg")).json()["id"]
    order_id = await m.order(buyer, lines=2)
    first, second = await m.lines_of(buyer, order_id)

    r = await m.review(buyer, first, 5, photo_ids=[theirs, mine[0], mine[0]])
    assert r.status_code == 422 and r.json()["code"] == "reviews.invalid_photos", r.text
    assert [e["field"] for e in r.json()["errors"]] == ["photo_ids", "photo_ids[0]", "photo_ids[2]"]
    r = await m.review(buyer, first, 5, photo_ids=["file_00000000000000000000000000"])
    assert r.status_code == 422
    assert await m.rt.db.fetch("SELECT id FROM reviews_review") == []  # nothing half-written

    assert (await m.review(buyer, first, 5, photo_ids=mine[:2])).status_code == 201
    r = await m.review(buyer, second, 5, photo_ids=[mine[1]])
    assert r.status_code == 422 and r.json()["errors"][0]["reason"] == "already on another review", r.text
