"""Letters written in a request's transaction and delivered by a task worker."""
