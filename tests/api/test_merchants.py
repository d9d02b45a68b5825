"""Merchants: apply, view, status transitions through hooks, staff invitations, isolation."""

from __future__ import annotations

from datetime import timedelta

from bazaar.sdk.hookspecs import hookimpl
from bazaar.sdk.plugin import Plugin
from bazaar.sdk.types import Objection


async def apply(kit, owner, name="Shop"):
    r = await kit.client.post("/api/v1/merchants", json={"name": name, "contact_phone": "13812345678"},
                              headers=owner.headers)
    assert r.status_code == 201, r.text
    return r.json()


async def test_apply_makes_a_pending_store_owned_by_the_applicant(bazaar):
    owner = await bazaar.user()
    m = await apply(bazaar, owner)
    assert m["status"] == "pending" and m["owner_id"] == owner.id
    assert m["allowed_actions"] == []  # activating a store is not its owner's to do
    assert m["contact_phone"] == "13812345678"
    me = (await bazaar.client.get("/api/v1/me", headers=owner.headers)).json()
    assert me["roles"] == ["customer", "merchant"]
    assert me["merchants"] == [{"id": m["id"], "role": "owner"}]
    raw = await bazaar.runtime.db.fetchrow("SELECT contact_phone FROM core_merchant WHERE id = {}", m["id"])
    assert "13812345678" not in raw["contact_phone"]


async def test_pending_store_is_hidden_from_others_and_visible_once_active(bazaar):
    owner, stranger = await bazaar.user(), await bazaar.user()
    m = await apply(bazaar, owner)
    assert (await bazaar.client.get(f"/api/v1/merchants/{m['id']}")).status_code == 404
    assert (await bazaar.client.get(f"/api/v1/merchants/{m['id']}", headers=stranger.headers)).status_code == 404
    op = await bazaar.operator()
    r = await bazaar.client.post(f"/api/v1/admin/merchants/{m['id']}/status",
                                 json={"status": "active", "reason": "documents checked"}, headers=op.headers)
    assert r.status_code == 200 and r.json()["status"] == "active"
    assert r.json()["allowed_actions"] == ["close", "restrict", "suspend"]  # the operator's, from the table
    public = (await bazaar.client.get(f"/api/v1/merchants/{m['id']}")).json()
    assert public["allowed_actions"] == []
    assert public["status"] == "active" and public["contact_phone"] is None and public["owner_id"] is None
    history = (await bazaar.client.get(f"/api/v1/merchants/{m['id']}/history", headers=owner.headers)).json()
    assert [(h["from_status"], h["to_status"], h["actor_id"]) for h in history] == [("pending", "active", op.id)]


async def test_illegal_transition_is_409_and_changes_nothing(bazaar):
    owner = await bazaar.user()
    m = await apply(bazaar, owner)
    op = await bazaar.operator()
    r = await bazaar.client.post(f"/api/v1/admin/merchants/{m['id']}/status",
                                 json={"status": "restricted", "reason": "x"}, headers=op.headers)
    assert r.status_code == 409 and r.json()["code"] == "invalid_transition"
    assert r.json()["allowed"] == ["active", "closed"]
    row = await bazaar.runtime.db.fetchrow("SELECT status FROM core_merchant WHERE id = {}", m["id"])
    assert row["status"] == "pending"


class Decider:
    @hookimpl
    def bazaar_select_merchant_decider(self, merchant):
        return "kyb"

    @hookimpl
    def bazaar_merchant_transition_objections(self, merchant, to_status):
        if to_status == "closed" and merchant.name == "Unclosable":
            return Objection(reason="open disputes", code="kyb.open_disputes")
        return None


KYB = Plugin(id="kyb", version="1.0.0", summary="test decider", hooks=Decider)


async def test_a_plugin_that_claims_activation_blocks_manual_activation(bazaar_factory):
    kit = await bazaar_factory(plugins=["kyb"], extra=[KYB])
    owner = await kit.user()
    m = await apply(kit, owner, name="Unclosable")
    op = await kit.operator()
    r = await kit.client.post(f"/api/v1/admin/merchants/{m['id']}/status",
                              json={"status": "active", "reason": "by hand"}, headers=op.headers)
    assert r.status_code == 409 and r.json()["code"] == "decided_by_plugin" and r.json()["plugin"] == "kyb"
    from bazaar.core.merchants.service import transition

    snap = await transition(kit.runtime, m["id"], "active", reason="approved", plugin="kyb")
    assert snap.status == "active"
    r = await kit.client.post(f"/api/v1/admin/merchants/{m['id']}/status",
                              json={"status": "closed", "reason": "x"}, headers=op.headers)
    assert r.status_code == 409 and r.json()["code"] == "plugin_vetoed"
    assert r.json()["plugin"] == "kyb" and r.json()["reason"] == "open disputes"
    changes = await kit.runtime.db.fetch("SELECT to_status, plugin FROM core_merchant_status_change")
    assert [(c["to_status"], c["plugin"]) for c in changes] == [("active", "kyb")]


async def test_suspension_hides_live_products_and_reinstatement_shows_them(bazaar):
    from bazaar.sdk.testing import seed

    merchant_id, owner = await bazaar.merchant()
    p = await seed.product(bazaar.runtime, merchant_id)
    op = await bazaar.operator()
    for status, visible in (("suspended", False), ("active", True), ("restricted", True)):
        r = await bazaar.client.post(f"/api/v1/admin/merchants/{merchant_id}/status",
                                     json={"status": status, "reason": "test"}, headers=op.headers)
        assert r.status_code == 200, r.text
        row = await bazaar.runtime.db.fetchrow("SELECT visible FROM catalogue_product WHERE id = {}", p["id"])
        assert bool(row["visible"]) is visible, status


async def test_staff_invitation_flow_and_roles(bazaar):
    merchant_id, owner = await bazaar.merchant()
    staffer = await bazaar.user("staff@example.com")
    other = await bazaar.user("other@example.com")
    r = await bazaar.client.post(f"/api/v1/merchants/{merchant_id}/staff/invitations",
                                 json={"email": "Staff@Example.com"}, headers=owner.headers)
    assert r.status_code == 201
    token = r.json()["token"]
    raw = await bazaar.runtime.db.fetchrow("SELECT token_hash FROM core_merchant_invitation")
    assert token not in raw["token_hash"]
    wrong = await bazaar.client.post(f"/api/v1/merchant-invitations/{token}/accept", headers=other.headers)
    assert wrong.status_code == 403 and wrong.json()["code"] == "invitation_not_yours"
    ok = await bazaar.client.post(f"/api/v1/merchant-invitations/{token}/accept", headers=staffer.headers)
    assert ok.status_code == 200
    again = await bazaar.client.post(f"/api/v1/merchant-invitations/{token}/accept", headers=staffer.headers)
    assert again.status_code == 409 and again.json()["code"] == "invitation_used"
    staff = (await bazaar.client.get(f"/api/v1/merchants/{merchant_id}/staff", headers=staffer.headers)).json()
    assert sorted(s["role"] for s in staff) == ["owner", "staff"]
    # staff may read, not invite (owner only)
    r = await bazaar.client.post(f"/api/v1/merchants/{merchant_id}/staff/invitations",
                                 json={"email": "x@example.com"}, headers=staffer.headers)
    assert r.status_code == 403 and r.json()["code"] == "not_merchant_owner"
    d = await bazaar.client.delete(f"/api/v1/merchants/{merchant_id}/staff/{staffer.id}", headers=owner.headers)
    assert d.status_code == 204
    assert (await bazaar.client.get(f"/api/v1/merchants/{merchant_id}/staff", headers=staffer.headers)).status_code == 403
    d = await bazaar.client.delete(f"/api/v1/merchants/{merchant_id}/staff/{owner.id}", headers=owner.headers)
    assert d.status_code == 409 and d.json()["code"] == "owner_not_removable"


async def test_invitation_expires(bazaar):
    merchant_id, owner = await bazaar.merchant()
    invited = await bazaar.user("late@example.com")
    r = await bazaar.client.post(f"/api/v1/merchants/{merchant_id}/staff/invitations",
                                 json={"email": "late@example.com"}, headers=owner.headers)
    await bazaar.advance(timedelta(days=8))
    invited = await bazaar.login(invited.email, invited.password)
    r = await bazaar.client.post(f"/api/v1/merchant-invitations/{r.json()['token']}/accept", headers=invited.headers)
    assert r.status_code == 409 and r.json()["code"] == "invitation_expired"


async def test_merchant_routes_refuse_other_merchants_and_anonymous(bazaar):
    mine, owner = await bazaar.merchant()
    theirs, _ = await bazaar.merchant()
    for method, path, body in (
        ("GET", f"/api/v1/merchants/{theirs}/staff", None),
        ("GET", f"/api/v1/merchants/{theirs}/history", None),
        ("PATCH", f"/api/v1/merchants/{theirs}", {"name": "Hijack"}),
        ("POST", f"/api/v1/merchants/{theirs}/staff/invitations", {"email": "a@example.com"}),
    ):
        r = await bazaar.client.request(method, path, json=body, headers=owner.headers)
        assert r.status_code == 403, (path, r.text)
        assert r.json()["code"] == "not_merchant_staff"
        r = await bazaar.client.request(method, path, json=body)
        assert r.status_code == 401
    row = await bazaar.runtime.db.fetchrow("SELECT name FROM core_merchant WHERE id = {}", theirs)
    assert row["name"] == "Test Shop"


async def test_patch_validates_and_owner_edits(bazaar):
    merchant_id, owner = await bazaar.merchant()
    r = await bazaar.client.patch(f"/api/v1/merchants/{merchant_id}", json={"name": ""}, headers=owner.headers)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "name"
    r = await bazaar.client.patch(f"/api/v1/merchants/{merchant_id}", json={"nmae": "x"}, headers=owner.headers)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "nmae"
    r = await bazaar.client.patch(f"/api/v1/merchants/{merchant_id}", json={"name": "Renamed"}, headers=owner.headers)
    assert r.status_code == 200 and r.json()["name"] == "Renamed"
    r = await bazaar.client.get("/api/v1/merchants/mch_bad", headers=owner.headers)
    assert r.status_code == 422 and r.json()["code"] == "invalid_id"


async def test_operator_lists_pending_queue(bazaar):
    owner = await bazaar.user()
    pending = await apply(bazaar, owner)
    await bazaar.merchant()
    op = await bazaar.operator()
    r = await bazaar.client.get("/api/v1/admin/merchants?status=pending", headers=op.headers)
    assert [m["id"] for m in r.json()["items"]] == [pending["id"]]
