"""Partnership decision pages: the buyer's decision on each supplier at the end."""
