"""A way in: codes printed in an issue, ending in an access grant."""
