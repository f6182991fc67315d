// name: entity_neighbourhood
// description: What an entity is related to, with the trigger and the sentence each relation was read from.
// param name: the entity's name (e.g. 国培计划)
// param limit: most rows to return (default: 50)
MATCH (e:Agency|Institution|Program|Policy|Platform|Event|Place {name: $name})-[r:LEADS|PARTNERS_WITH|BASED_ON|IMPLEMENTS|ORGANIZES|PART_OF|LOCATED_IN]-(n:Agency|Institution|Program|Policy|Platform|Event|Place)
RETURN type(r) AS relation,
       CASE WHEN startNode(r) = e THEN 'out' ELSE 'in' END AS direction,
       n.type AS type, n.name AS neighbour, r.trigger AS trigger, r.sentence AS sentence
ORDER BY relation, neighbour, sentence
LIMIT $limit
