"""The index: the only owner of "the import graph of this tree" and "the import graph of this
tree at REF", with every cache behind them (walk snapshot, content hashes, facts, graph
snapshots; the tables in parse.ParseCache). Entry points take plain values (root, packages,
cache folder, jobs), never CLI options:

- `index.tree.build_graph` / `config_graph`: the graph of the working tree;
- `index.git_ref.open_base` + `PendingChanges` + `index.at_ref.base_graph`: the graph at REF,
  from the working tree's graph and REF's versions of the changed files;
- `index.cache_location.chosen_cache_dir`: which cache folder a run may trust.

Nothing is imported here, so importing one entry point costs only what it uses.
"""
