"""Framework-level validation failures still name the field."""


async def test_missing_query_parameter_names_the_field(bazaar):
    r = await bazaar.client.get("/api/v1/checkout/payment-methods")
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["errors"] == [{"field": "lines", "reason": "required", "source": "query"}]


async def test_bad_query_parameter_type_names_the_field(bazaar):
    r = await bazaar.client.get("/api/v1/products?limit=lots")
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["limit"]
