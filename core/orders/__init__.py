"""Orders: the order state machine, history, customer/merchant/operator views, cancel, ship, receipt."""
