"""auditor.contracts"""
