"""Comments under articles and the moderation rule."""
