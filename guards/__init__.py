"""Guards against abuse: rate limits by client address (`guards.ratelimit`) and the admin sign-in
lockout (`guards.lockout`)."""
