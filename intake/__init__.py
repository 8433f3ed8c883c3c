"""The report intake web app for agencies (情况报送)."""
