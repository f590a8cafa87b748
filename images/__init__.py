"""Images and media files: the upload validator, clean re-encoding and renditions
(`images.processing`), and where media files are stored, local disk or S3 (`images.storage`)."""
