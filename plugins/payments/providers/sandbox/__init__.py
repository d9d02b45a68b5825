"""The sandbox payment provider: a stand-in that behaves like a licensed provider.

It keeps its own state (``payments_sandbox_*`` tables, never read by the plugins),
serves a hosted pay page under ``/api/v1/payments/sandbox/pay/{id}`` (approve or
decline), moves funds by instruction (hold, release with commission split, refund,
payout), keeps a statement, and sends notifications signed with HMAC-SHA256 over
``timestamp + "." + body`` (header ``Sandbox-Signature: t=<unix>,v1=<hex>``) to
``/api/v1/payments/notify/sandbox``. Switches (``[plugins.payments.<x>.sandbox]``):
``delay_seconds``, ``duplicates``, ``out_of_order``, ``hold`` (deliver on flush only).
"""
