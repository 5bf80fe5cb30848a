"""auditor.config"""
