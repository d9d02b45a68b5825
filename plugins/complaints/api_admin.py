"""Operator routes under ``/api/v1/complaints/admin``: queues, escalations, statistics, reports, policy.

Each route names in its docstring the right issue 12 will require.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Controller, Response, get, post
from litestar.params import Parameter

from bazaar.plugins.complaints import (
    calendars,
    disclosure,
    escalations,
    policy,
    report,
    stats,
    views,
)
from bazaar.plugins.complaints.api import OPERATOR, Caller, Rt, cid
from bazaar.plugins.complaints.errors import EscalationNotFound, PeriodInvalid
from bazaar.plugins.complaints.schemas import (
    CalendarOut,
    ComplaintSummary,
    EscalationOut,
    NoteIn,
    PolicyLineOut,
)
from bazaar.sdk.api import Cursor, Limit, Page, check_id, problems
from bazaar.sdk.errors import ValidationFailed

StateFilter = Annotated[str | None, Parameter(query="state", pattern=r"^[a-z_]{3,24}$", description="a complaint state")]
Day = Annotated[str, Parameter(pattern=r"^\d{4}-\d{2}-\d{2}$", description="a date YYYY-MM-DD (calendar zone)")]
Month = Annotated[str, Parameter(pattern=r"^\d{4}-\d{2}$", description="a month YYYY-MM (calendar zone)")]


class AdminComplaintsController(Controller):
    """Operators: the work queue, the supervisor queue, figures for regulators, the policy in force."""

    path = "/complaints/admin"
    tags = ["complaints"]

    @get("/queue", operation_id="complaints_queue", opt=OPERATOR, responses=problems(ValidationFailed))
    async def queue(self, rt: Rt, in_state: StateFilter = None, limit: Limit = 20,
                    cursor: Cursor = None) -> Page[ComplaintSummary]:
        """Complaints (open ones unless ``state`` is given), newest first, with whose move (right ``complaints.handle``)."""
        return await views.queue(rt, in_state, limit, cursor)

    @get("/escalations", operation_id="complaints_escalations", opt=OPERATOR, responses=problems(ValidationFailed))
    async def escalations(self, rt: Rt, open_only: bool = True, limit: Limit = 50) -> list[EscalationOut]:
        """The supervisor queue, oldest first: breached clocks and rejected plans (right ``complaints.supervise``)."""
        rows = await escalations.queue(rt, open_only=open_only, limit=limit)
        return [EscalationOut(id=r["id"], complaint_id=r["complaint_id"], reason=r["reason"], clock_id=r["clock_id"],
                              complaint_state=r["complaint_state"], category=r["category"],
                              merchant_id=r["merchant_id"], created_at=r["created_at"],
                              resolved_at=r["resolved_at"], note=r["note"]) for r in rows]

    @post("/escalations/{escalation_id:str}/resolve", status_code=200, operation_id="complaints_escalation_resolve", opt=OPERATOR,
          responses=problems(EscalationNotFound, ValidationFailed))
    async def resolve(self, rt: Rt, actor: Caller, escalation_id: str, data: NoteIn) -> dict[str, Any]:
        """A supervisor took an escalation in hand (right ``complaints.supervise``)."""
        row = await escalations.resolve(rt, check_id(escalation_id, "esc", "escalation_id"), actor.user_id,
                                        data.note or "")
        return {"id": row["id"], "resolved_at": row["resolved_at"], "resolved_by": row["resolved_by"]}

    @get("/disclosures", operation_id="complaints_disclosures", opt=OPERATOR, responses=problems(ValidationFailed))
    async def disclosures(self, rt: Rt, complaint_id: str | None = None, limit: Limit = 50) -> list[dict[str, Any]]:
        """The audit of merchant-identity disclosures, newest first (right ``complaints.audit``)."""
        return await disclosure.audit(rt, cid(complaint_id) if complaint_id else None, limit)

    @get("/calendars", operation_id="complaints_calendars", opt=OPERATOR)
    async def calendars(self, rt: Rt) -> list[CalendarOut]:
        """Every calendar version a clock started on, with its holidays and make-up days (right ``complaints.audit``)."""
        return [CalendarOut(**c) for c in await calendars.recorded(rt)]  # type: ignore[arg-type]

    @get("/policy", operation_id="complaints_policy", opt=OPERATOR)
    async def policy(self, rt: Rt) -> list[PolicyLineOut]:
        """Every policy key in force with its origin and source."""
        return [PolicyLineOut(**line) for line in policy.explain(rt.plugin_config("complaints"))]

    @get("/stats", operation_id="complaints_stats", opt=OPERATOR, responses=problems(PeriodInvalid, ValidationFailed))
    async def figures(self, rt: Rt, start: Day, end: Day, format: Literal["json", "csv"] = "json",
                      source: Literal["live", "events"] = "live") -> Response[Any]:
        """Figures for complaints filed from ``start`` to ``end`` (inclusive days): counts by category, merchant,
        channel and outcome, upheld rate, median and p90 per clock, breaches, satisfaction, follow-up surveys.
        ``source=events`` recomputes every clock figure from the recorded clock marks (right ``complaints.report``)."""
        period = stats.period(rt, start, end)
        figures = await (stats.recompute(rt, period) if source == "events" else stats.live(rt, period))
        if format == "csv":
            return Response(content=stats.to_csv(figures), media_type="text/csv; charset=utf-8", headers={
                "Content-Disposition": f'attachment; filename="complaints-{start}-{end}.csv"'})
        return Response(content=figures)

    @get("/reports/monthly", operation_id="complaints_monthly_report", opt=OPERATOR,
         responses=problems(PeriodInvalid, ValidationFailed))
    async def monthly(self, rt: Rt, month: Month) -> Response[str]:
        """A printable monthly report (HTML) an operator can hand to a regulator (right ``complaints.report``)."""
        html = await report.monthly(rt, month)
        return Response(content=html, media_type="text/html; charset=utf-8")

