"""Operations: request ids in logs and pages, the health check, error pages that work when all else is
broken, the deploy checks, the security headers (Permissions-Policy, the admin's CSP), and the audit
signal that editorial writes send (`ops.audit`; `staff` stores the records); and the server process's
garbage collector (`ops.collector`: what lives as long as the process is not walked again)."""
