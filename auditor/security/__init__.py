"""auditor.security"""
