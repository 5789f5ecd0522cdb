"""The preview server of `serve`: the catalogue kept in memory, the site rebuilt where a save changed it, served on
127.0.0.1 with live reload and the catalogue's problems shown on the page."""
