"""Queries a careless user or an attacker may send as ad-hoc Cypher, as data.

Each case is (name, cypher, refused word): the statement check must refuse
the query with a line naming that word. `{canary}` stands for a file
outside the store the query tries to reach; the tests and ``bench/hostile.py``
fill it in. Shared by tests/graph/test_read_only.py and the benchmark.
"""

from __future__ import annotations

HOSTILE: list[tuple[str, str, str]] = [
    ("copy_to_file", "COPY (MATCH (n:Program) RETURN n.name) TO '{canary}'", "COPY"),
    ("copy_to_lower", "copy (MATCH (n) RETURN n.uid) to '{canary}'", "COPY"),
    ("load_from_file", "LOAD FROM '/etc/passwd' (file_format='csv', header=false, delim=':') RETURN *", "LOAD"),
    ("load_with_headers", "LOAD WITH HEADERS (a STRING) FROM '{canary}' RETURN *", "LOAD"),
    ("load_csv_neo4j", "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line", "LOAD"),
    ("load_extension", "LOAD EXTENSION '/tmp/evil.so'", "LOAD"),
    ("install_extension", "INSTALL json", "INSTALL"),
    ("export_database", "EXPORT DATABASE '{canary}'", "EXPORT"),
    ("import_database", "IMPORT DATABASE '{canary}'", "IMPORT"),
    ("attach_database", "ATTACH '{canary}' AS x (dbtype lbug)", "ATTACH"),
    ("detach_database", "DETACH x", "DETACH"),
    ("use_database", "USE x", "USE"),
    ("checkpoint", "CHECKPOINT", "CHECKPOINT"),
    ("checkpoint_after_read", "MATCH (n) RETURN count(n); CHECKPOINT", "statement"),
    ("two_statements", "MATCH (n) RETURN n LIMIT 1; MATCH (m) RETURN m LIMIT 1", "statement"),
    ("begin_transaction", "BEGIN TRANSACTION", "BEGIN"),
    ("create_node", "CREATE (n:Program {name: 'x'}) RETURN n", "CREATE"),
    ("merge_node", "MERGE (n:Program {name: 'x'}) RETURN n", "MERGE"),
    ("set_property", "MATCH (n:Program) SET n.name = 'x' RETURN n", "SET"),
    ("delete_node", "MATCH (n:Program) DETACH DELETE n", "DETACH"),
    ("remove_property", "MATCH (n:Program) REMOVE n.name RETURN n", "REMOVE"),
    ("drop_table", "DROP TABLE Program", "DROP"),
    ("alter_table", "ALTER TABLE Program ADD x STRING", "ALTER"),
    ("foreach", "MATCH (n) FOREACH (x IN [1] | SET n.a = x)", "FOREACH"),
    ("call_setting", "CALL timeout=0", "CALL"),
    ("call_threads", "CALL threads=64", "CALL"),
    ("call_read_csv", "CALL read_csv_serial('{canary}') RETURN *", "CALL"),
    ("call_apoc", "CALL apoc.load.json('file:///etc/passwd') YIELD value RETURN value", "CALL"),
    ("call_dbms", "CALL dbms.listConfig() YIELD name RETURN name", "CALL"),
    ("call_subquery", "CALL { MATCH (n) RETURN n } RETURN count(*)", "CALL"),
    ("function_range", "UNWIND range(1, 100000000) AS x RETURN count(x)", "function range"),
    ("function_repeat", "RETURN repeat('x', 1000000000) AS s", "function repeat"),
    ("function_apoc", "RETURN apoc.util.sleep(100000) AS x", "function apoc.util.sleep"),
    ("function_after_dot", "MATCH (n) RETURN (n).read_csv_serial('{canary}') AS x", "function read_csv_serial"),
    ("function_backticked", "RETURN `read_csv_serial`('{canary}') AS x", "function read_csv_serial"),
    (
        "keyword_after_comment",
        "MATCH (n) RETURN n // harmless\nLIMIT 1; COPY (MATCH (m) RETURN m) TO '{canary}'",
        "statement",
    ),
    ("keyword_after_block_comment", "/* a **/ COPY (MATCH (m) RETURN m) TO '{canary}' /* */", "COPY"),
    ("explain", "EXPLAIN MATCH (n) RETURN n", "EXPLAIN"),
    ("show_procedures", "SHOW PROCEDURES", "SHOW"),
    ("deep_nesting", "RETURN " + "(" * 1000 + "1" + ")" * 1000, "nests deeper"),
    ("long_or_chain", "MATCH (n:Program) WHERE " + " OR ".join(["n.name = 'x'"] * 2000) + " RETURN n", "tokens"),
    ("huge_text", "MATCH (n) WHERE n.name = '" + "x" * 120_000 + "' RETURN n", "bytes"),
]

# Tricks where the check and an engine could lex differently. The check runs
# its own reading (comments removed from the text sent), so each one either is
# refused or reaches the engine as a syntax error: any one-line refusal, and
# nothing on disk changes.
TRICKS: list[tuple[str, str]] = [
    # an engine that ends "/* **/" later would see the COPY the check took for a string
    ("quote_after_comment", "MATCH (n) RETURN n /* **/ ' */ COPY (MATCH (m) RETURN m) TO '{canary}' //'"),
    # the check and both engines read \' as a quote inside the string
    ("escaped_quote", "RETURN 'a\\' ; COPY (MATCH (m) RETURN m) TO '{canary}' // '"),
    ("doubled_quote", "RETURN 'a'' ; COPY (MATCH (m) RETURN m) TO ''{canary}' AS x"),
    ("line_break_in_comment", "MATCH (n) RETURN n // x\r' COPY (MATCH (m) RETURN m) TO '{canary}' //'\n LIMIT 1"),
]

# Expensive but well-formed reads: they pass the check and must end by the
# timeout or the memory cap with one line, not by exhausting the machine.
EXPENSIVE: list[tuple[str, str]] = [
    (
        "cartesian_product",
        "MATCH (a), (b), (c), (d) WHERE a.uid < b.uid AND b.uid < c.uid AND c.uid < d.uid RETURN count(*)",
    ),
    ("variable_length_path", "MATCH p = (a)-[*1..30]-(b) RETURN count(*)"),
]
