"""auditor.attribution"""
