"""``bazaar.client`` is the storefront's half: it must import no server code, and mirror the server's shapes.

A storefront installs the client alone (``client/pyproject.toml``, the ``bazaar-client``
distribution); one import of the server stack would make that install break. The mirror
test keeps ``bazaar.client.schemas`` in step with the Structs the server encodes: every
field the server sends is on the client's Struct, and every field the client requires
is one the server sends.
"""

from __future__ import annotations

import importlib
import subprocess
import sys

import msgspec
import pytest

from bazaar.client import schemas

SERVER_PREFIXES = ("bazaar.core", "bazaar.sdk", "bazaar.plugins", "litestar", "piccolo", "asyncpg", "pluggy")

#: client Struct -> the server Struct it mirrors
MIRRORS = {
    "TokenOut": "bazaar.core.users.schemas:TokenOut",
    "MerchantRole": "bazaar.core.users.schemas:MerchantRole",
    "UserOut": "bazaar.core.users.schemas:UserOut",
    "CategoryOut": "bazaar.core.catalogue.schemas:CategoryOut",
    "MerchantBrief": "bazaar.core.catalogue.schemas:MerchantBrief",
    "CategoryCrumb": "bazaar.core.catalogue.schemas:CategoryCrumb",
    "Variant": "bazaar.core.catalogue.schemas:Variant",
    "ProductCard": "bazaar.core.catalogue.schemas:ProductCard",
    "ProductDetail": "bazaar.core.catalogue.schemas:ProductDetail",
    "PriceSeen": "bazaar.core.checkout.schemas:PriceSeen",
    "CheckoutLineIn": "bazaar.core.checkout.schemas:CheckoutLineIn",
    "ShippingAddressIn": "bazaar.core.checkout.schemas:ShippingAddressIn",
    "CheckoutCreate": "bazaar.core.checkout.schemas:CheckoutCreate",
    "PaymentMethod": "bazaar.sdk.types:PaymentMethod",
    "PaymentMethodsOut": "bazaar.core.checkout.schemas:PaymentMethodsOut",
    "Totals": "bazaar.core.orders.schemas:Totals",
    "CheckoutOrderOut": "bazaar.core.checkout.schemas:CheckoutOrderOut",
    "PaymentOut": "bazaar.core.checkout.schemas:PaymentOut",
    "CheckoutOut": "bazaar.core.checkout.schemas:CheckoutOut",
    "OrderSummary": "bazaar.core.orders.schemas:OrderSummary",
    "OrderLineOut": "bazaar.core.orders.schemas:OrderLineOut",
    "Address": "bazaar.core.orders.schemas:Address",
    "TransitionOut": "bazaar.core.orders.schemas:TransitionOut",
    "OrderOut": "bazaar.core.orders.schemas:OrderOut",
    "Money": "bazaar.sdk.money:Money",
    "Deadline": "bazaar.sdk.states:Deadline",
    "AcknowledgementRecord": "bazaar.sdk.types:AcknowledgementRecord",
    "Page": "bazaar.core.kernel.http:Page",
}
#: server fields the client leaves out on purpose (always a constant)
OMITTED = {("PaymentMethodsOut", "next_cursor")}


def test_importing_the_client_loads_no_server_code():
    script = (
        "import sys\n"
        "import bazaar.client, bazaar.client.schemas\n"
        f"bad = sorted(m for m in sys.modules if m.startswith({SERVER_PREFIXES!r}))\n"
        "print('SERVER', bad)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "SERVER []" in done.stdout, done.stdout


def test_the_client_modules_name_no_server_package():
    import ast
    from pathlib import Path

    folder = Path(schemas.__file__).parent
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not [n for n in names if n.startswith(SERVER_PREFIXES)], f"{path.name} imports {names}"


def _server(target: str) -> type[msgspec.Struct]:
    module, name = target.split(":")
    return getattr(importlib.import_module(module), name)


def _fields(cls: type[msgspec.Struct]) -> dict[str, bool]:
    """Field name -> whether it is required."""
    info = msgspec.inspect.type_info(cls)
    assert isinstance(info, msgspec.inspect.StructType)
    return {f.name: f.required for f in info.fields}


@pytest.mark.parametrize("name", sorted(MIRRORS))
def test_client_struct_mirrors_the_server(name):
    client, server = _fields(getattr(schemas, name)), _fields(_server(MIRRORS[name]))
    missing = sorted(f for f in server if f not in client and (name, f) not in OMITTED)
    assert missing == [], f"the server sends {missing} in {name}: add them to bazaar.client.schemas"
    unknown = sorted(f for f, required in client.items() if required and f not in server)
    assert unknown == [], f"the client requires {unknown} in {name}, which the server does not send"


def test_every_client_struct_is_mirrored():
    structs = {n for n, v in vars(schemas).items()
               if isinstance(v, type) and issubclass(v, msgspec.Struct) and not n.startswith("_")}
    assert structs == set(MIRRORS)
