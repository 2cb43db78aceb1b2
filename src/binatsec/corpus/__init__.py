"""The content: kinds declared once, read and checked by the loader, held as frozen records."""
