"""align: match reports across languages, align their sentences, show one-sided facts."""
