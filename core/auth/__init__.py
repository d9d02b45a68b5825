"""Who is calling: the actor behind a request, and the one guard every route declares itself to.

Every route handler says who may call it with ``opt={"auth": ...}``:

* ``"public"`` — anyone (the actor is still resolved when a token is sent);
* ``"user"`` — any signed-in user;
* ``"operator"`` — platform staff (``opt={"right": ...}`` narrows to a right);
* ``"merchant"`` — staff of the merchant in the path (``{merchant_id}``) or an operator;
* ``"merchant_owner"`` — the owner of that merchant or an operator;
* ``"service:<scope>"`` — an API key holding the scope, or an operator.

A contract test fails for a route without ``auth``.
"""
