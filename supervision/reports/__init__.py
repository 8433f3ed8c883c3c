"""Status reports: report files and web submissions, the office's review, chasing units that did not report."""
