"""Merchants: applications, status (pending/active/restricted/suspended/closed), staff and invitations."""
