// name: compare_programmes
// description: Programmes two plans share, and those only one of them carries.
// param a: first plan's file name (e.g. baicheng_2024_jiaoyu_gongzuo_yaodian.txt)
// param b: second plan's file name (e.g. zhuji_2024_jiaoti_gongzuo_yaodian.txt)
MATCH (d:Document) WHERE d.source IN [$a, $b]
MATCH ()-[m:MENTIONS]->(e:Program) WHERE m.doc_id = d.id
WITH e, collect(DISTINCT d.source) AS sources
RETURN e.name AS programme, $a IN sources AS in_a, $b IN sources AS in_b,
       CASE WHEN size(sources) = 2 THEN 'both' WHEN $a IN sources THEN 'only a' ELSE 'only b' END AS found
ORDER BY found, programme
