"""The Kuaidi100 adapter against pushes in its published shape (form ``param`` + ``sign``)."""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import parse_qs, urlencode

from logistics_market import make_market

from bazaar.plugins.logistics.carriers.kuaidi100 import Kuaidi100, parse_param
from bazaar.plugins.logistics.config import Kuaidi100Config

SALT = "k100-salt-for-tests"
PUSH = "/api/v1/logistics/tracking/push/kuaidi100"


def param(nu: str, items: list[tuple[str, str, str]], *, state: str, status: str = "polling") -> str:
    """Kuaidi100's ``param``: the whole history, newest first."""
    data = [{"context": text, "time": at, "ftime": at, "status": "", "statusCode": code, "areaName": "杭州市"}
            for at, code, text in reversed(items)]
    return json.dumps({"status": status, "billstatus": "got", "message": "", "autoCheck": "0", "comOld": "",
                       "comNew": "", "lastResult": {"message": "ok", "state": state, "status": "200",
                                                    "condition": "F00", "ischeck": "1" if state == "3" else "0",
                                                    "com": "zhongtong", "nu": nu, "data": data}}, ensure_ascii=False)


def form(p: str, salt: str = SALT) -> bytes:
    sign = hashlib.md5((p + salt).encode()).hexdigest().upper()
    return urlencode({"sign": sign, "param": p}).encode()


HISTORY = [("2025-01-08 11:00:00", "103", "【杭州市】快件已揽收"),
           ("2025-01-08 20:00:00", "1002", "【杭州市】快件已发往 上海"),
           ("2025-01-09 09:00:00", "501", "【上海市】快件已投递至丰巢快递柜")]


def test_a_full_snapshot_parses_oldest_first_with_codes_proofs_and_zone() -> None:
    push = parse_param(param("ZTO1", [*HISTORY, ("2025-01-09 18:00:00", "304", "已签收，投柜签收")], state="3"),
                       {"zhongtong": "ZTO"})
    assert [e.status for e in push.events] == ["picked_up", "in_transit", "out_for_delivery", "delivered"]
    assert push.events[-1].proof == "locker_without_consent" and push.snapshot
    assert push.events[0].at.isoformat() == "2025-01-08T11:00:00+08:00" and push.events[0].carrier == "ZTO"
    bare = parse_param(param("ZTO1", [("2025-01-09 18:00:00", "3", "已签收，签收人：门卫代收")], state="3"), {})
    assert bare.events[0].proof == "proxy_signed"


def test_the_subscription_form_carries_company_callback_salt_and_resultv2() -> None:
    adapter = Kuaidi100(Kuaidi100Config(key="KEY", salt=SALT, callback_url="https://shop.example/cb"), ("ZTO",))
    body = parse_qs(adapter.subscribe_form("ZTO", "ZTO1", callback_url="https://shop.example/cb").decode())
    sent = json.loads(body["param"][0])
    assert body["schema"] == ["json"] and sent["company"] == "zhongtong" and sent["number"] == "ZTO1"
    assert sent["parameters"] == {"callbackurl": "https://shop.example/cb", "salt": SALT, "resultv2": "4"}


async def test_pushes_through_http_verify_the_sign_and_apply_only_what_is_new(bazaar_factory: Any) -> None:
    m = await make_market(bazaar_factory, carriers=[{"code": "ZTO", "name": "ZTO Express", "provider": "kuaidi100"}],
                          kuaidi100={"salt": SALT, "key": "KEY"})
    order_id = await m.buy((1, 0))
    shipment = await m.ship(order_id, carrier="ZTO", parcels=[{"waybill_no": "ZTO7700112233"}])
    headers = {"content-type": "application/x-www-form-urlencoded"}
    first = param("ZTO7700112233", HISTORY[:2], state="0")
    r = await m.c.post(PUSH, content=form(first, "wrong-salt"), headers=headers)
    assert r.status_code == 401 and r.json()["code"] == "logistics.bad_signature"
    r = await m.c.post(PUSH, content=form(first), headers=headers)
    assert r.status_code == 200 and r.json() == {"result": True, "returnCode": "200", "message": "成功"}
    body = await m.shipment(shipment["id"])
    assert body["state"] == "handed_over" and body["by_scan"] and body["handed_over_at"] == "2025-01-08T03:00:00Z"
    full = param("ZTO7700112233", [*HISTORY, ("2025-01-09 18:00:00", "301", "已签收，本人签收")], state="3",
                 status="shutdown")
    r = await m.c.post(PUSH, content=form(full), headers=headers)
    assert r.status_code == 200
    row = await m.rt.db.fetchrow("SELECT events, new_events FROM logistics_push ORDER BY received_at DESC, id DESC")
    assert (row["events"], row["new_events"]) == (4, 2), "a full snapshot adds only what is new"
    body = await m.shipment(shipment["id"])
    assert body["state"] == "delivered" and body["proof"] == "recipient_signed"
    assert (await m.order(order_id))["state"] == "delivered"
    r = await m.c.post(PUSH, content=b"param=%7B&sign=", headers=headers)
    assert r.status_code == 401
    r = await m.c.post(PUSH, content=b"no form at all", headers=headers)
    assert r.status_code == 422
