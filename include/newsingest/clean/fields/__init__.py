"""Field pickers: each reads one article field from the page (metadata first, then the text), with
the provenance of the source it took the value from. ``newsingest.clean.extract`` orchestrates them."""
