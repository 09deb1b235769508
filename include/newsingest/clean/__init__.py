"""newsingest.clean"""
