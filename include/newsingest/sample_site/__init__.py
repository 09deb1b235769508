"""newsingest.sample_site"""
