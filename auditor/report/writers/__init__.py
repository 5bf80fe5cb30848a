"""auditor.report.writers"""
