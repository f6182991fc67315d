// name: path_between
// description: LadybugDB dialect: SHORTEST path syntax, rels(), list_transform and label(r).
MATCH (a:Agency|Institution|Program|Policy|Platform|Event|Place {name: $from}), (b:Agency|Institution|Program|Policy|Platform|Event|Place {name: $to})
MATCH p = (a)-[* SHORTEST 1..6]-(b)
RETURN list_transform(nodes(p), x -> coalesce(x.name, x.plan_title, x.title, x.id)) AS path,
       list_transform(rels(p), r -> label(r)) AS relations, length(p) AS hops
LIMIT 1
