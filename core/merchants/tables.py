"""Tables of merchants, their staff, invitations and status history."""

from __future__ import annotations

from piccolo.columns import Text, Timestamptz, Varchar
from piccolo.table import Table


class Merchant(Table, tablename="core_merchant"):
    """A store. ``contact_phone`` is encrypted at rest."""

    id = Varchar(length=40, primary_key=True)
    name = Varchar(length=100)
    description = Text(default="")
    status = Varchar(length=12, default="pending", index=True)
    owner_id = Varchar(length=40, index=True)
    contact_phone = Text(null=True, default=None)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class MerchantStaff(Table, tablename="core_merchant_staff"):
    """Membership of a user in a merchant: ``owner`` or ``staff``; ``key`` = merchant:user."""

    id = Varchar(length=40, primary_key=True)
    key = Varchar(length=82, unique=True)
    merchant_id = Varchar(length=40, index=True)
    user_id = Varchar(length=40, index=True)
    role = Varchar(length=10)
    created_at = Timestamptz()


class MerchantInvitation(Table, tablename="core_merchant_invitation"):
    """An invitation for an email to join a merchant's staff; only the token's hash is stored."""

    id = Varchar(length=40, primary_key=True)
    merchant_id = Varchar(length=40, index=True)
    email = Varchar(length=254)
    role = Varchar(length=10)
    token_hash = Varchar(length=64, unique=True)
    invited_by = Varchar(length=40)
    created_at = Timestamptz()
    expires_at = Timestamptz()
    accepted_at = Timestamptz(null=True, default=None)
    accepted_by = Varchar(length=40, null=True, default=None)


class MerchantStatusChange(Table, tablename="core_merchant_status_change"):
    """Every status change: from, to, who (user or plugin), why, when."""

    id = Varchar(length=40, primary_key=True)
    merchant_id = Varchar(length=40, index=True)
    from_status = Varchar(length=12)
    to_status = Varchar(length=12)
    actor_id = Varchar(length=40, null=True, default=None)
    plugin = Varchar(length=60, null=True, default=None)
    reason = Text(null=True, default=None)
    at = Timestamptz()
