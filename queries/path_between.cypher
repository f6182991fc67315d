// name: path_between
// description: The shortest chain of relations between two entities (through points and documents too).
// param from: first entity's name (e.g. 白城职业技术学院)
// param to: second entity's name (e.g. 国培计划)
MATCH (a:Agency|Institution|Program|Policy|Platform|Event|Place {name: $from}), (b:Agency|Institution|Program|Policy|Platform|Event|Place {name: $to})
MATCH p = shortestPath((a)-[*..6]-(b))
RETURN [n IN nodes(p) | coalesce(n.name, n.plan_title, n.title, n.id)] AS path,
       [r IN relationships(p) | type(r)] AS relations, length(p) AS hops
