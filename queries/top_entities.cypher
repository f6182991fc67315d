// name: top_entities
// description: The most mentioned entities, optionally of one type.
// param type: an entity type such as Program, or an empty string for all (default: "")
// param limit: how many (default: 20)
MATCH (e:Agency|Institution|Program|Policy|Platform|Event|Place)
WHERE $type = '' OR e.type = $type
RETURN e.type AS type, e.name AS name, e.mention_count AS mentions
ORDER BY mentions DESC, name, type
LIMIT $limit
