"""auditor.drift"""
