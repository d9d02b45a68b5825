"""The sandbox carrier's own books (``logistics_sandbox_*``): never read by the plugin's rules.

A real carrier keeps these on its side; the sandbox keeps them in our database so tests and
the demo can drive a parcel and watch the pushes it sends.
"""

from __future__ import annotations

from piccolo.columns import BigInt, Boolean, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table


class SandboxParcel(Table, tablename="logistics_sandbox_parcel"):
    waybill = Varchar(length=40, primary_key=True)
    #: the shipper's reference (our parcel id): booking the same ref twice answers the same waybill
    shipper_ref = Varchar(length=60, unique=True)
    carrier = Varchar(length=20)
    #: masked recipient, as the courier's handheld shows it
    recipient = Text()
    cod_minor = BigInt(null=True, default=None)
    currency = Varchar(length=3, null=True, default=None)
    #: booked -> picked_up -> in_transit -> out_for_delivery -> delivered | refused | lost; cancelled
    status = Varchar(length=20)
    attempts = Integer(default=0)
    intercept_ref = Varchar(length=60, null=True, default=None)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class SandboxPush(Table, tablename="logistics_sandbox_push"):
    """A push the sandbox queued or sent (the body as sent, signed at send time)."""

    id = Varchar(length=40, primary_key=True)
    seq = Integer(index=True)
    waybill = Varchar(length=40)
    body = Text()
    deliver_at = Timestamptz()
    delivered = Boolean(default=False)
    last_status = Integer(null=True, default=None)
    created_at = Timestamptz()
