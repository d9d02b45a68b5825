"""Demo data for ``bazaar serve --demo`` and ``bazaar demo``.

Seeds an operator, three merchants (one pending), a category tree, about 200 products
with variants and stock, and two customers; then hands a :class:`DemoShop` (the
``bazaar.sdk.demo.DemoContext``) to each enabled plugin's ``Plugin.demo`` in dependency
order; prints the logins. The demo's encryption key and passwords are generated on first
run and kept in ``bazaar-demo.json`` next to the database (never in the repository); a
second run reuses what is there (and plugins' seeders are idempotent).
"""

from __future__ import annotations

import json
import random
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.fernet import Fernet

from bazaar.core.demo_shop import DemoShop  # noqa: F401  (re-exported for the CLI and tests)
from bazaar.core.kernel.config import Settings
from bazaar.sdk.demo import DemoContext

if TYPE_CHECKING:
    from bazaar.core.kernel.runtime import Runtime

DEMO_PLUGINS: list[str] = [
    "qualification", "payments.escrow", "logistics", "logistics.cod", "aftersales", "complaints", "reviews",
]
DEMO_STATE = "bazaar-demo.json"

CATEGORIES = {
    "Electronics": ["Phones", "Headphones", "Chargers"],
    "Home": ["Kitchen", "Bedding"],
    "Food": ["Tea", "Snacks"],
    "Beauty": ["Skincare"],
    "Books": ["Fiction", "Technology"],
}
LICENSED = {"Food": "food", "Beauty": "cosmetics"}
ADJECTIVES = ["Classic", "Premium", "Everyday", "Compact", "Deluxe", "Eco", "Travel", "Smart"]


def demo_state(path: str = DEMO_STATE) -> dict[str, Any]:
    """The demo's key and logins, created on first use."""
    file = Path(path)
    if file.exists():
        state = json.loads(file.read_text())
        if "sandbox_secret" not in state:  # a demo from before the secret had no default
            state["sandbox_secret"] = secrets.token_urlsafe(32)
            file.write_text(json.dumps(state, indent=2))
        return dict(state)
    state = {
        "encryption_key": Fernet.generate_key().decode(),
        "sandbox_secret": secrets.token_urlsafe(32),
        "logins": {
            "operator": {"email": "operator@demo.bazaar", "password": f"Op-{secrets.token_urlsafe(9)}"},
            "merchant": {"email": "merchant@demo.bazaar", "password": f"Me-{secrets.token_urlsafe(9)}"},
            "merchant2": {"email": "merchant2@demo.bazaar", "password": f"Me-{secrets.token_urlsafe(9)}"},
            "pending_merchant": {"email": "pending@demo.bazaar", "password": f"Me-{secrets.token_urlsafe(9)}"},
            "customer": {"email": "alice@demo.bazaar", "password": f"Cu-{secrets.token_urlsafe(9)}"},
            "customer2": {"email": "bob@demo.bazaar", "password": f"Cu-{secrets.token_urlsafe(9)}"},
        },
    }
    file.write_text(json.dumps(state, indent=2))
    file.chmod(0o600)
    return state


async def seed(rt: Any, logins: dict[str, dict[str, str]], *, products: int = 200) -> bool:
    """Seed once; ``False`` when the demo operator exists already."""
    from bazaar.core.catalogue import bulk
    from bazaar.core.merchants import service as merchants
    from bazaar.core.users.service import create_user

    operator = logins["operator"]
    if await rt.db.fetchrow("SELECT id FROM core_user WHERE email = {}", operator["email"]):
        return False
    await create_user(rt, email=operator["email"], password=operator["password"], name="Demo Operator",
                      operator_rights=["*"])
    owners = {}
    for key, name in (("merchant", "Lotus Electronics"), ("merchant2", "Green Tea House"),
                      ("pending_merchant", "Newcomer Goods")):
        login = logins[key]
        owners[key] = await create_user(rt, email=login["email"], password=login["password"], name=name + " Owner",
                                        phone="13800138000")
    for key in ("customer", "customer2"):
        login = logins[key]
        await create_user(rt, email=login["email"], password=login["password"], name=key.title(), phone="13912345678")

    from bazaar.core.auth.actor import Actor
    from bazaar.core.merchants.schemas import MerchantApply

    merchant_ids = {}
    for key, name in (("merchant", "Lotus Electronics"), ("merchant2", "Green Tea House"),
                      ("pending_merchant", "Newcomer Goods")):
        actor = Actor(kind="user", user_id=owners[key], email=logins[key]["email"])
        out = await merchants.apply(rt, actor, MerchantApply(name=name, description=f"{name}, a demo store"))
        merchant_ids[key] = out.id
        if key != "pending_merchant":
            await merchants.transition(rt, out.id, "active", reason="demo data", actor_id=None, plugin="demo")

    rng = random.Random(42)
    leaves = []
    for root, children in CATEGORIES.items():
        root_id = await bulk.category(rt, root, licence_kind=LICENSED.get(root))
        for child in children:
            leaves.append((await bulk.category(rt, child, parent_id=root_id, licence_kind=LICENSED.get(root)), child))
    sellers = [merchant_ids["merchant"], merchant_ids["merchant2"]]
    for i in range(products):
        category_id, category_name = leaves[i % len(leaves)]
        base = rng.randrange(9_90, 999_00, 10)
        await bulk.product(
            rt,
            sellers[i % 2],
            name=f"{rng.choice(ADJECTIVES)} {category_name} {i + 1}",
            description=f"A demo {category_name.lower()} item, number {i + 1}.",
            prices=[base, base + 500, base + 1000],
            stock=[rng.randrange(0, 50), rng.randrange(0, 50), rng.randrange(1, 50)],
            category_id=category_id,
        )
    return True


async def seed_plugins(rt: Runtime, shop: DemoContext) -> list[str]:
    """Call each enabled plugin's ``demo(rt, shop)`` in dependency order; the ids called."""
    called = []
    for pid in rt.plugins.order:
        seeder = rt.plugins.loaded[pid].plugin.demo
        if seeder is not None:
            await seeder(rt, shop)
            called.append(pid)
    return called


async def seed_and_print(settings: Settings, *, migrate: bool = False) -> None:
    """Seed the demo data (once), then each plugin's, and print the logins."""
    from bazaar.core.root import build_runtime

    state = demo_state()
    rt = build_runtime(settings)
    await rt.start()
    try:
        if migrate:
            await rt.migrate()
        created = await seed(rt, state["logins"])
        shop = await DemoShop.load(rt, state["logins"])
        try:
            await seed_plugins(rt, shop)
        finally:
            await shop.close()
    finally:
        await rt.stop()
    print("demo data " + ("seeded" if created else "already present") + "; logins:")
    for role, login in state["logins"].items():
        print(f"  {role:17} {login['email']:24} {login['password']}")
