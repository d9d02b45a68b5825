async def test_health_and_ready(bazaar):
    r = await bazaar.client.get("/health")
    assert r.status_code == 200 and r.json()["status"] == "ok"
    r = await bazaar.client.get("/ready")
    assert r.status_code == 200, r.text
    assert {c["name"] for c in r.json()["checks"]} == {"database", "migrations"}
