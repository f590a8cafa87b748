"""A way in: institutional access by network or address, ending in an access grant."""
