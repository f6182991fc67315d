// name: points_mentioning
// description: The points that mention an entity, with the point's heading and the sentence of the mention.
// param name: the entity's name (e.g. 华东师范大学)
MATCH (p:Point)-[m:MENTIONS]->(e:Agency|Institution|Program|Policy|Platform|Event|Place {name: $name})
MATCH (d:Document) WHERE d.id = p.doc_id
RETURN d.plan_title AS plan, p.number AS point, p.title AS heading, m.sentence AS sentence
ORDER BY plan, point
