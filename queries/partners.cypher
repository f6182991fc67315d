// name: partners
// description: Who works jointly with whom (PARTNERS_WITH), and in how many sentences.
MATCH (a:Entity)-[r:PARTNERS_WITH]->(b:Entity)
RETURN a.name AS party, b.name AS partner, b.type AS partner_type, count(r) AS sentences
ORDER BY sentences DESC, party, partner
