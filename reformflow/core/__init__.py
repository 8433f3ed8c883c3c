"""The bottom layer: settings, the database engine and its transactions, the working-day calendar."""
