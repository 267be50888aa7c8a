"""The audit log: who did what, when, on which survey."""
