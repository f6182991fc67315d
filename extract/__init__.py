"""policykg extraction: reading, structure, entities, relations, targets."""
