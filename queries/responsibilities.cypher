// name: responsibilities
// description: What a unit is in charge of (responsibility tags such as 责任科室：…): each point's number and heading, the unit's role and the plan.
// param unit: the unit's name or any of its aliases, as written in the tag (e.g. 办公室), or an empty string for every unit (default: "")
// param source: a plan's file name, or an empty string for every plan (default: "")
MATCH (a:Agency)-[r:RESPONSIBLE_FOR]->(p:Point)
WHERE $unit = '' OR a.name = $unit OR $unit IN a.aliases
MATCH (d:Document) WHERE d.id = p.doc_id AND ($source = '' OR d.source = $source)
RETURN a.name AS unit, r.role AS role, d.source AS document, p.number AS point, p.title AS heading
ORDER BY document, point, role, unit
