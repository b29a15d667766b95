"""Integrated improvement plans: actions, funding, approvals, monthly reviews, closing."""
