"""The use cases: one module (or package) per thing a user asks for, each a thin layer over the
index (the graph of a tree or a ref) and the engine in auditor.pipeline, run with one RunOptions
resolved by the CLI: check, audit, init, demo, brief, rule-pack operations, org report."""
