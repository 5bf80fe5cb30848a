"""The contracts stage: architecture contracts checked against the import graph."""

from auditor.contracts.base import Contract, ContractDoc, ContractResult, Violation
from auditor.contracts.check import ContractsOutcome, check_contracts
from auditor.contracts.registry import CONTRACT_TYPES, build_contract, validate_contract_types

__all__ = [
    "CONTRACT_TYPES",
    "Contract",
    "ContractDoc",
    "ContractResult",
    "ContractsOutcome",
    "Violation",
    "build_contract",
    "check_contracts",
    "validate_contract_types",
]
