"""Operations: request ids in logs and pages, the health check, error pages that work when all else is
broken, the deploy checks and the security headers (Permissions-Policy, the admin's CSP)."""
