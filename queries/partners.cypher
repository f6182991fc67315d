// name: partners
// description: Who works jointly with whom (PARTNERS_WITH), and in how many sentences.
MATCH (a:Agency|Institution|Program|Policy|Platform|Event|Place)-[r:PARTNERS_WITH]->(b:Agency|Institution|Program|Policy|Platform|Event|Place)
RETURN a.name AS party, b.name AS partner, b.type AS partner_type, count(r) AS sentences
ORDER BY sentences DESC, party, partner
