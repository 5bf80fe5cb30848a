"""auditor.parse"""
