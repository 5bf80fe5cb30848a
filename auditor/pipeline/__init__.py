"""auditor.pipeline"""
