// name: shared_programmes
// description: Programmes that several plans carry, with the plans that mention them.
// param min_docs: least number of documents that mention the programme (default: 2)
MATCH ()-[m:MENTIONS]->(e:Program)
WITH e, collect(DISTINCT m.doc_id) AS ids
WHERE size(ids) >= $min_docs
MATCH (d:Document) WHERE d.id IN ids
RETURN e.name AS programme, count(d) AS documents, collect(d.plan_title) AS plans
ORDER BY documents DESC, programme
