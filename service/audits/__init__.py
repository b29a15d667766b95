"""Enterprise audits from versioned templates: answers, evidence, scores, review."""
