"""Per-publisher page templates for the sample site."""
