// name: leaders
// description: Who leads what (LEADS), with the evidence sentence.
MATCH (a:Agency|Institution|Program|Policy|Platform|Event|Place)-[r:LEADS]->(b:Agency|Institution|Program|Policy|Platform|Event|Place)
RETURN a.name AS leader, a.type AS leader_type, b.name AS led, b.type AS led_type, r.sentence AS sentence
ORDER BY leader, led, sentence
