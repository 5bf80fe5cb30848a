"""auditor.discover"""
