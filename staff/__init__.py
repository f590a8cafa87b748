"""Staff sign-in with a second factor, staff sessions, the audit log and the fresh-factor guard."""
