"""The reform office's web console: the ledger, review, units, bulletins and messages behind a login."""
