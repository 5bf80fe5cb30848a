"""Property test: the one-search chain finder agrees with plain networkx path search."""

import networkx as nx
from contracts_graphs import make_graph
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.contracts.search import find_violations

NODES = [f"p.m{i}" for i in range(9)]


@settings(max_examples=150, deadline=None)
@given(
    edges=st.sets(st.tuples(st.sampled_from(NODES), st.sampled_from(NODES)), max_size=30),
    roles=st.lists(st.sampled_from("STBF"), min_size=len(NODES), max_size=len(NODES)),
)
def test_find_violations_matches_bruteforce(edges, roles):
    edges = {(a, b) for a, b in edges if a != b}
    graph = make_graph(*(f"{a} -> {b}" for a, b in sorted(edges)), modules=NODES)
    role = dict(zip(NODES, roles, strict=True))
    sources = {n for n in NODES if role[n] == "S"}
    targets = {n for n in NODES if role[n] == "T"}
    blocked = {n for n in NODES if role[n] == "B"}
    found = find_violations(graph, sources, targets, blocked=blocked)
    free = nx.DiGraph()
    free.add_nodes_from(n for n in NODES if role[n] == "F")
    free.add_edges_from((a, b) for a, b in edges if role[a] == "F" and role[b] in "FT")
    free.add_nodes_from(targets)
    expected_first_hops = set()
    for s, y in edges:
        if s not in sources:
            continue
        if y in targets:
            expected_first_hops.add((s, y, 1))
        elif role[y] == "F":
            lengths = [nx.shortest_path_length(free, y, t) for t in targets if nx.has_path(free, y, t)]
            if lengths:
                expected_first_hops.add((s, y, min(lengths) + 1))
    got = set()
    for v in found:
        hops = v.chain or ()
        first = hops[0].imported if hops else v.imported
        got.add((v.importer, first, len(hops) or 1))
        for hop in hops:  # every hop is a real import, the chain ends in a target
            assert (hop.importer, hop.imported) in edges
        if hops:
            assert hops[-1].imported in targets and all(h.imported not in blocked for h in hops)
    assert got == expected_first_hops
