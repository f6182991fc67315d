// name: document_overview
// description: One plan at a glance: its header and how many points, targets and entities of each type it has.
// param source: the plan's file name (e.g. baicheng_2024_jiaoyu_gongzuo_yaodian.txt)
MATCH (d:Document {source: $source})
OPTIONAL MATCH ()-[m:MENTIONS]->(e:Entity) WHERE m.doc_id = d.id
WITH d, e.type AS type, count(DISTINCT e) AS entities
ORDER BY type
WITH d, collect(type + ': ' + toString(entities)) AS entities_by_type
OPTIONAL MATCH (p:Point) WHERE p.doc_id = d.id
WITH d, entities_by_type, count(p) AS points
OPTIONAL MATCH (t:Target) WHERE t.doc_id = d.id
RETURN d.plan_title AS plan, d.issuer AS issuer, d.issued_date AS issued, d.doc_number AS doc_number,
       points, count(t) AS targets, entities_by_type
