async def test_register_login_me(bazaar):
    s = await bazaar.user("Alice@Example.com ")
    r = await bazaar.client.get("/api/v1/me", headers=s.headers)
    assert r.status_code == 200
    assert r.json()["email"] == "alice@example.com"
    assert r.json()["roles"] == ["customer"]
