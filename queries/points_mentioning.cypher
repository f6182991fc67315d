// name: points_mentioning
// description: The points that mention an entity, with the point's heading and the words around the mention.
// param name: the entity's name (e.g. 华东师范大学)
MATCH (p:Point)-[m:MENTIONS]->(e:Entity {name: $name})
MATCH (d:Document {id: p.doc_id})
WITH d, p, m, CASE WHEN m.spans[0] > 30 THEN m.spans[0] - 30 ELSE 0 END AS start
RETURN d.plan_title AS plan, p.number AS point, p.title AS heading, substring(p.text, start, 90) AS context
ORDER BY plan, point
