// name: entity_neighbourhood
// description: LadybugDB dialect: label(r) for type(r); direction from which end matched (no startNode()).
MATCH (e:Agency|Institution|Program|Policy|Platform|Event|Place {name: $name})-[r:LEADS|PARTNERS_WITH|BASED_ON|IMPLEMENTS|ORGANIZES|PART_OF|LOCATED_IN]->(n:Agency|Institution|Program|Policy|Platform|Event|Place)
RETURN label(r) AS relation, 'out' AS direction, n.type AS type, n.name AS neighbour, r.trigger AS trigger,
       r.sentence AS sentence
UNION ALL
MATCH (e:Agency|Institution|Program|Policy|Platform|Event|Place {name: $name})<-[r:LEADS|PARTNERS_WITH|BASED_ON|IMPLEMENTS|ORGANIZES|PART_OF|LOCATED_IN]-(n:Agency|Institution|Program|Policy|Platform|Event|Place)
RETURN label(r) AS relation, 'in' AS direction, n.type AS type, n.name AS neighbour, r.trigger AS trigger,
       r.sentence AS sentence
