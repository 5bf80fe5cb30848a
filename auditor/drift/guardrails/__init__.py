"""Guardrail integrity: the guardrails of two states of a project, compared.

`snapshot.guardrails_of` builds the model (auditor.domain.guardrails) from a configuration read
by the one config loader and a baseline read by the one baseline reader; `compare.compare`
lists what changed between two of them (weakening or strengthening); `suppressions` finds the
inline suppressions a diff adds; `findings` turns changes into `guardrail` findings and judges
them by the origin of the lines that made them.
"""
