"""The kiosk edition: a separate static site for the touch screen in the service hall (build --kiosk).

Big tiles by department and by category, an A–Z of power names by pinyin initial instead of typing, each power
on one screen with its key facts first and a QR code to take its page home on a phone. Every link stays inside
the kiosk (relative links between its own pages, no PDF, no other site), it needs no server and nothing from
the network, and after the catalogue's idle time without a touch it returns to the start screen."""

from generator.outputs.kiosk.pages import write_kiosk

__all__ = ["write_kiosk"]
