"""The merchant's identity, disclosed to a complainant on request (ECL 61, CPL 44), every time audited.

The complainant of a complaint about a merchant asks; the answer carries the merchant's
name, status and contact from the core's merchant facade, and a row in
``complaints_disclosure`` records who learnt what and when. Operators read the audit.
"""

from __future__ import annotations

from typing import Any

from bazaar.plugins.complaints import ports, views
from bazaar.plugins.complaints.conversation import require
from bazaar.plugins.complaints.errors import ComplaintInvalid, DisclosureDisabled
from bazaar.plugins.complaints.records import dump, load, values
from bazaar.plugins.complaints.schemas import MerchantIdentity
from bazaar.sdk.api import Actor, new_id
from bazaar.sdk.errors import FieldProblem
from bazaar.sdk.runtime import PluginRuntime


async def disclose(rt: PluginRuntime, complaint_id: str, actor: Actor) -> MerchantIdentity:
    """The merchant's identity and contact for the complainant; the disclosure is audited."""
    if not values(rt)["disclose_merchant_identity_on_request"]:
        raise DisclosureDisabled("merchant identities are not disclosed under this policy")
    async with rt.unit_of_work():
        row, role = await views.load_for(rt, complaint_id, actor)
        require(role, "complainant")
        identity = await ports.merchant_identity(rt, row["merchant_id"], actor.user_id) if row["merchant_id"] else None
        if identity is None:
            raise ComplaintInvalid("this complaint names no merchant",
                                   errors=[FieldProblem(field="complaint_id", reason="no merchant to disclose")])
        now = rt.clock.now()
        await rt.db.execute(
            "INSERT INTO complaints_disclosure (id, complaint_id, merchant_id, requested_by, fields, at) "
            "VALUES ({}, {}, {}, {}, {}, {})",
            new_id("cdi"), complaint_id, row["merchant_id"], actor.user_id, dump(sorted(identity)), now,
        )
        return MerchantIdentity(**identity, disclosed_at=now)


async def audit(rt: PluginRuntime, complaint_id: str | None, limit: int) -> list[dict[str, Any]]:
    """Disclosures, newest first (of one complaint, or all)."""
    where = "WHERE complaint_id = {} " if complaint_id else ""
    args: list[Any] = [complaint_id] if complaint_id else []
    rows = await rt.db.fetch(f"SELECT * FROM complaints_disclosure {where}ORDER BY at DESC, id DESC LIMIT {{}}",
                             *args, limit)
    return [{**r, "fields": load(r["fields"], [])} for r in rows]
