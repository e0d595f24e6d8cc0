"""Reusable UI pieces; they read state classes directly and take no State argument."""
