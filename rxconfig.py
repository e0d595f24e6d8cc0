"""Reflex configuration: one source for the database URL (see peerapp/settings.py)."""

import reflex as rx

from peerapp.settings import database_url, redis_url

config = rx.Config(
    app_name="peerapp",
    db_url=database_url(),
    redis_url=redis_url(),
    telemetry_enabled=False,
    show_built_with_reflex=False,
    plugins=[
        rx.plugins.SitemapPlugin(),
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(accent_color="iris", gray_color="slate", radius="medium"),
        ),
    ],
)
