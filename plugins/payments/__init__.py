"""Payments: ``payments.escrow`` (hold until receipt) and ``payments.instant`` (capture at once).

What they regulate (POLICIES.md "payments"): the platform never holds buyers' money. Funds
sit in a licensed provider's custody; every movement (hold, release with the commission
split, refund, payout) is an *instruction* to the provider, applied to a double-entry
**ledger of record** when the provider's signed notification confirms it, and the ledger
is reconciled against the provider's statement. The two plugins conflict (and both
claim the slot ``payments.capture``); swapping one for the other is a config change.

Config (``[plugins.payments.escrow]`` / ``[plugins.payments.instant]``): ``preset``
(``cn``/``eu``), ``custody`` (``provider``; ``platform`` only with
``operator_is_licensed_psp = true``), ``provider`` (``sandbox``), ``methods``,
``notification_tolerance_seconds``, ``payout_interval_hours``, the policy keys
``unpaid_auto_cancel_minutes``, ``commission_bps``, ``refund.*``,
``after_release_refund_source``, ``statement_history_days``, ``store_card_data`` and,
for escrow, ``auto_confirm.*``, ``extend.*``, ``pause_on_aftersales``; the sandbox's
``[...sandbox]`` table (``secret``, ``delivery``, ``delay_seconds``, ``duplicates``,
``out_of_order``, ``hold``).

Hooks: ``bazaar_register_providers`` (provider id = plugin id),
``bazaar_collect_payment_methods``, ``bazaar_select_payment_provider``,
``bazaar_handle_event`` (``order.shipped``, ``order.completed``, ``order.cancelled``,
``order.aftersales_opened``, ``order.aftersales_closed``). Events (``events.py``):
``payments.refund_settled``, ``payments.released``.

Timers: ``<id>.dispatch``, ``<id>.sandbox_deliver``, ``<id>.payout``,
``payments.escrow.auto_confirm``. CLI: ``bazaar payments payout``.

Tables (Piccolo app ``payments``): ``payments_payment``, ``payments_order``,
``payments_instruction``, ``payments_notification``, ``payments_entry``,
``payments_posting``, ``payments_settlement_account``, ``payments_reconciliation``,
``payments_seen_event`` and the sandbox's ``payments_sandbox_*``.
See docs/payments.md.
"""
