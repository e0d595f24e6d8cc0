"""Thin Reflex states: who is asking, call a service, copy results into vars."""
