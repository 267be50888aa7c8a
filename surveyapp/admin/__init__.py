"""User administration for admins: list, create, reset passwords, deactivate, end logins."""
