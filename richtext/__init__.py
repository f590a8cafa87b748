"""Rich text: the one sanitizer and the one model field that wraps the editor (`richtext.sanitize`),
and rich text as words: diff, plain text to edit and merge back (`richtext.htmltext`)."""
