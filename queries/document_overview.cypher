// name: document_overview
// description: One plan at a glance: its header and how many points, targets (commitments) and entities of each type it has.
// param source: the plan's file name (e.g. baicheng_2024_jiaoyu_gongzuo_yaodian.txt)
MATCH (d:Document {source: $source})
OPTIONAL MATCH ()-[m:MENTIONS]->(e:Agency|Institution|Program|Policy|Platform|Event|Place) WHERE m.doc_id = d.id
WITH d, count(DISTINCT e) AS entities, count(DISTINCT CASE WHEN e.type = 'Program' THEN e.name END) AS programmes,
     count(DISTINCT CASE WHEN e.type = 'Institution' THEN e.name END) AS institutions
OPTIONAL MATCH (p:Point) WHERE p.doc_id = d.id
WITH d, entities, programmes, institutions, count(p) AS points
OPTIONAL MATCH (t:Target) WHERE t.doc_id = d.id AND t.target_kind = 'commitment'
RETURN d.plan_title AS plan, d.issuer AS issuer, d.issued_date AS issued, d.doc_number AS doc_number,
       points, count(t) AS targets, entities, programmes, institutions
