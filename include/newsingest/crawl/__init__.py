"""newsingest.crawl"""
