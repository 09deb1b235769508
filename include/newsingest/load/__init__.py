"""newsingest.load"""
