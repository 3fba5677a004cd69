"""The office's web pages (chat widget, counsellor look-up) and the look-up JSON API."""
