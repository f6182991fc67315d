// name: programme_institutions
// description: Institutions and agencies that take part in a programme: related to it, or named in the same sentence.
// param programme: the programme's name (e.g. 国培计划)
MATCH (p:Program {name: $programme})-[r]-(i:Institution|Agency)
RETURN i.name AS participant, i.type AS type, type(r) AS how, sum(coalesce(r.weight, 1)) AS strength
ORDER BY strength DESC, participant, how
