"""``bazaar serve --demo``: the reviews seeder leaves reviews, a reply, a follow-up and a hidden one, once.

Alone, and with every demo plugin (logistics lets trusted code ship through the facade).
"""

from __future__ import annotations

import pytest

from bazaar.core.demo import DEMO_PLUGINS, DemoShop, demo_state, seed, seed_plugins


@pytest.mark.parametrize("plugins", [["payments.escrow", "reviews"], DEMO_PLUGINS], ids=["alone", "demo-set"])
async def test_the_demo_seeds_reviews_once(bazaar_factory, tmp_path, plugins):
    assert "reviews" in DEMO_PLUGINS
    sandbox = {"allow_sandbox": True, "sandbox": {"secret": "demo-sandbox-secret-0123456789-abcdef"}}
    kit = await bazaar_factory(plugins=plugins, config={"logistics": sandbox} if "logistics" in plugins else {})
    logins = demo_state(str(tmp_path / "bazaar-demo.json"))["logins"]
    assert await seed(kit.runtime, logins, products=8)
    shop = await DemoShop.load(kit.runtime, logins)
    try:
        assert "reviews" in await seed_plugins(kit.runtime, shop)
        await kit.run_due()
        rows = await kit.runtime.db.fetch("SELECT kind, state, reply_text FROM reviews_review")
        assert sorted((r["kind"], r["state"]) for r in rows) == [
            ("followup", "published"), ("review", "hidden"), ("review", "published"), ("review", "published")]
        assert sum(r["reply_text"] is not None for r in rows) == 1
        await seed_plugins(kit.runtime, shop)
        assert len(await kit.runtime.db.fetch("SELECT id FROM reviews_review")) == len(rows)
    finally:
        await shop.close()

    hidden = (await kit.runtime.db.fetch("SELECT id FROM reviews_review WHERE state = 'hidden'"))[0]
    r = await kit.client.get(f"/api/v1/reviews/{hidden['id']}")
    assert r.status_code == 200 and r.json()["hidden"]["ground"] == "personal_data" and r.json()["text"] is None
    month = (await kit.client.get("/api/v1/reviews/transparency")).json()[0]
    assert month["hidden_by_ground"] == {"personal_data": 1}
