// name: targets_by_document
// description: The quantified commitments each plan makes (value, unit, qualifier), in point order.
// param source: a plan's file name, or an empty string for every plan (default: "")
MATCH (d:Document), (p:Point)-[:SETS_TARGET]->(t:Target)
WHERE p.doc_id = d.id AND ($source = '' OR d.source = $source)
RETURN d.plan_title AS plan, p.number AS point, t.text AS target, t.value AS value, t.value_max AS value_max,
       t.unit AS unit, t.qualifier AS qualifier
ORDER BY plan, point, target
