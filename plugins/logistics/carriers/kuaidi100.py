"""Kuaidi100 (快递100) as a ``CarrierProvider``: subscription and tracking pushes.

Kuaidi100 tracks parcels of every Chinese carrier; it does not book them (the merchant
enters the waybill number). **Subscribe**: a form POST to the ``poll`` URL with ``schema=json``
and ``param`` = ``{"company", "number", "key", "parameters": {"callbackurl", "salt",
"resultv2": "4", "phone"}}``. **Push**: a form POST to the callback with ``param`` (JSON)
and ``sign`` = upper-case hex MD5 of ``param + salt``. ``param`` carries ``status``
(``polling`` / ``shutdown`` / ``abort`` / ``updateall``), ``message`` (e.g. "3天查询无记录"),
and ``lastResult``: ``{state, ischeck, com, nu, data: [{time, ftime, context, status,
statusCode, areaName}]}``, the **whole history, newest first**. We answer
``{"result": true, "returnCode": "200", "message": "成功"}``.

State codes (``state`` / ``statusCode`` with ``resultv2=4``): 0 在途, 1 揽收, 2 疑难, 3 签收,
4 退签, 5 派件, 6 退回, 7 转单, 8 and 10-13 清关, 14 拒签; sub-codes 101-103 (ordered /
awaiting / collected), 1001-1003 (in transit), 201-211 (problems: 203 refused, 204 and 206
failed attempts), 301 本人签收, 302 signed after a failed attempt, 303 代签, 304 投柜或站签收,
501 投柜或驿站 (awaiting pick-up). A bare ``3`` is read from its text: locker and station
words mean a locker drop, 代收/代签 a proxy; otherwise the recipient signed.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlencode
from zoneinfo import ZoneInfo

import httpx
import msgspec

from bazaar.sdk.carriers import BadPush, Push, TrackingEvent, Waybill, WaybillRequest
from bazaar.sdk.errors import ProviderError
from bazaar.sdk.types import HookContext

ZONE = ZoneInfo("Asia/Shanghai")
REPLY = msgspec.json.encode({"result": True, "returnCode": "200", "message": "成功"})
#: our carrier codes -> Kuaidi100 company codes
COMPANIES = {"SF": "shunfeng", "JD": "jd", "ZTO": "zhongtong", "YTO": "yuantong", "STO": "shentong",
             "YUNDA": "yunda", "EMS": "ems"}
CODES_OF = {v: k for k, v in COMPANIES.items()}

STATE: dict[str, str] = {
    "0": "in_transit", "1": "picked_up", "2": "exception", "3": "delivered", "4": "returned",
    "5": "out_for_delivery", "6": "returning", "7": "in_transit", "8": "in_transit", "10": "in_transit",
    "11": "in_transit", "12": "in_transit", "13": "in_transit", "14": "refused",
    "101": "info_received", "102": "info_received", "103": "picked_up",
    "1001": "in_transit", "1002": "in_transit", "1003": "in_transit",
    "201": "exception", "202": "exception", "203": "refused", "204": "delivery_failed", "205": "exception",
    "206": "delivery_failed", "207": "exception", "208": "exception", "209": "exception", "210": "exception",
    "211": "out_for_delivery",
    "301": "delivered", "302": "delivered", "303": "delivered", "304": "delivered",
    "401": "returned", "501": "out_for_delivery",
}
PROOF = {"301": "recipient_signed", "302": "recipient_signed", "303": "proxy_signed", "304": "locker_without_consent"}
LOCKER_WORDS = ("快递柜", "丰巢", "驿站", "代收点", "自提柜", "locker")
PROXY_WORDS = ("代收", "代签", "门卫", "前台")


def sign(param: str, salt: str) -> str:
    """Kuaidi100's push signature: upper-case hex MD5 of ``param + salt``."""
    return hashlib.md5((param + salt).encode("utf-8")).hexdigest().upper()  # noqa: S324 (their format)


def _proof(code: str, text: str) -> str | None:
    if code in PROOF:
        return PROOF[code]
    if STATE.get(code) != "delivered":
        return None
    if any(word in text for word in LOCKER_WORDS):
        return "locker_without_consent"
    if any(word in text for word in PROXY_WORDS):
        return "proxy_signed"
    return "recipient_signed"


class _Item(msgspec.Struct, frozen=True):
    time: str = ""
    ftime: str = ""
    context: str = ""
    status: str = ""
    statusCode: str | None = None  # noqa: N815 (their field name)
    areaName: str | None = None  # noqa: N815


class _LastResult(msgspec.Struct, frozen=True):
    nu: str
    com: str = ""
    state: str = ""
    ischeck: str = "0"
    data: list[_Item] = []


class _Param(msgspec.Struct, frozen=True):
    status: str = ""
    message: str = ""
    lastResult: _LastResult | None = None  # noqa: N815
    comNew: str | None = None  # noqa: N815


def parse_param(param: str, carrier_of: dict[str, str]) -> Push:
    """The events of a verified ``param`` (oldest first), with Kuaidi100's control status."""
    try:
        parsed = msgspec.json.decode(param.encode(), type=_Param)
    except msgspec.DecodeError as exc:
        raise BadPush("malformed", f"param is not the documented JSON: {exc}") from None
    events: list[TrackingEvent] = []
    result = parsed.lastResult
    if result is not None:
        company = parsed.comNew or result.com
        carrier = carrier_of.get(company, company.upper()[:20])
        for position, item in enumerate(reversed(result.data)):
            stamp = item.ftime or item.time
            try:
                at = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S").replace(tzinfo=ZONE)
            except ValueError:
                raise BadPush("malformed", f"data[{len(result.data) - 1 - position}].time is not a time") from None
            newest = position == len(result.data) - 1
            code = item.statusCode or (result.state if newest and result.state else "") or item.status or "?"
            status = STATE.get(code) or ("delivered" if item.status == "签收" else "unknown")
            events.append(TrackingEvent(
                carrier=carrier, waybill=result.nu[:40], at=at, code=code[:40], status=status,  # type: ignore[arg-type]
                description=item.context[:500], location=(item.areaName or None),
                proof=_proof(code, item.context) if status == "delivered" else None,  # type: ignore[arg-type]
            ))
    return Push(events=tuple(events), snapshot=True, control=parsed.status or None,
                control_message=parsed.message or None, reply=REPLY, reply_content_type="application/json")


class Kuaidi100:
    """``kind="carrier"``, ``id="kuaidi100"``: tracks, never books."""

    kind: ClassVar[str] = "carrier"
    id = "kuaidi100"

    def __init__(self, config: Any, codes: tuple[str, ...]) -> None:
        self.config = config
        self.codes = codes

    async def create_waybill(self, ctx: HookContext, request: WaybillRequest) -> Waybill:
        raise ProviderError("Kuaidi100 tracks parcels but does not book them: enter the carrier's waybill number",
                            code="logistics.carrier_cannot_book")

    async def cancel_waybill(self, ctx: HookContext, carrier: str, waybill: str) -> bool:
        return True  # nothing was booked through us; unsubscribing is implicit

    async def intercept(self, ctx: HookContext, carrier: str, waybill: str, *, ref: str) -> str:
        raise ProviderError("interceptions go to the carrier itself, not through Kuaidi100",
                            code="logistics.carrier_cannot_intercept")

    def subscribe_form(self, carrier: str, waybill: str, *, callback_url: str, phone: str | None = None) -> bytes:
        """The form body of a ``poll`` subscription (exposed for tests and the docs)."""
        parameters: dict[str, Any] = {"callbackurl": callback_url, "salt": self.config.salt, "resultv2": "4"}
        if phone:
            parameters["phone"] = phone
        param = {"company": COMPANIES.get(carrier, carrier.lower()), "number": waybill, "key": self.config.key,
                 "parameters": parameters}
        return urlencode({"schema": "json", "param": msgspec.json.encode(param).decode()}).encode()

    async def subscribe(self, ctx: HookContext, carrier: str, waybill: str, *, callback_url: str,
                        phone: str | None = None) -> None:
        body = self.subscribe_form(carrier, waybill, callback_url=callback_url or self.config.callback_url,
                                   phone=phone)
        try:
            async with httpx.AsyncClient(timeout=10) as client:
                response = await client.post(self.config.poll_url, content=body,
                                             headers={"content-type": "application/x-www-form-urlencoded"})
            answer = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise ProviderError(f"Kuaidi100 subscription failed: {type(exc).__name__}") from exc
        # 200 subscribed; 501 already subscribed (a repeat is fine)
        if str(answer.get("returnCode")) not in ("200", "501"):
            raise ProviderError(f"Kuaidi100 refused the subscription: {answer.get('message')}")

    def verify_push(self, headers: dict[str, str], body: bytes, now: datetime) -> Push:
        if not self.config.salt:
            raise BadPush("bad_signature", "no Kuaidi100 salt is configured: pushes cannot be verified")
        try:
            form = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=True)
            param, given = form["param"][0], form["sign"][0]
        except (UnicodeDecodeError, ValueError, KeyError, IndexError):
            raise BadPush("malformed", "a push is a form with param and sign") from None
        if not hmac.compare_digest(sign(param, self.config.salt), given.upper()):
            raise BadPush("bad_signature", "sign is not MD5(param + salt)")
        return parse_param(param, CODES_OF)
