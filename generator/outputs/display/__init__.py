"""The display screen page (display/ in the public site): a full-screen page for the electronic display above
the hall's windows, read from five metres at 1920×1080. It cycles by itself through the latest revisions and
the most-used powers (promised limit, fee, window), with the cycle time and what it shows set in the catalogue
file (display: in _catalogue.yaml). A page of its own, outside the site's theme: nothing to touch, nothing
loaded from elsewhere."""

from generator.outputs.display.page import display_page, write_display

__all__ = ["display_page", "write_display"]
