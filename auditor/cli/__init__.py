"""auditor.cli"""
