"""newsingest.enrich"""
