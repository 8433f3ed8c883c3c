"""The supervision work on the ledger: storing tasks, assigning units, reminding, reports, the bulletin."""
