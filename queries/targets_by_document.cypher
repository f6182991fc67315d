// name: targets_by_document
// description: The quantities each plan states, in point order: what it commits to and, where a summary is printed with it, what it reports done (kind).
// param source: a plan's file name, or an empty string for every plan (default: "")
// param kind: commitment, achievement, or an empty string for both (default: "")
MATCH (d:Document), (p:Point)-[:SETS_TARGET]->(t:Target)
WHERE p.doc_id = d.id AND ($source = '' OR d.source = $source) AND ($kind = '' OR t.target_kind = $kind)
RETURN d.plan_title AS plan, p.number AS point, t.text AS target, t.value AS value, t.value_max AS value_max,
       t.unit AS unit, t.qualifier AS qualifier, t.target_kind AS kind
ORDER BY plan, point, target
