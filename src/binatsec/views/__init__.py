"""Every way out: results turned into JSON, terminal text, CSV and Markdown."""
