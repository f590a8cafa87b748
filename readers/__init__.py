"""Reader accounts, sign-in by letter, access grants and the access rule."""
