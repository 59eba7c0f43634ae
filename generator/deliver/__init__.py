"""Delivery: the email that carries the report, sent over SMTP or written as a draft."""
