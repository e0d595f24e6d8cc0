"""peerapp: peer mentorship inside a company's mentoring program."""
