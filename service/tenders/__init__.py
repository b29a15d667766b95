"""Tenders: calls for proposals whose lots bundle plan actions, sealed bids, evaluation, award."""
