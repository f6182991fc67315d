// name: programme_institutions
// description: LadybugDB dialect: label(r) for type(r).
MATCH (p:Program {name: $programme})-[r]-(i:Institution|Agency)
RETURN i.name AS participant, i.type AS type, label(r) AS how, sum(coalesce(r.weight, 1)) AS strength
ORDER BY strength DESC, participant, how
