"""Archive: the durable day records (``data/``), the SQLite store, and what is derived from them."""
