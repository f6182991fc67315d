// name: documents
// description: Every plan loaded: title, issuer, dates, document number and size.
MATCH (d:Document)
OPTIONAL MATCH (p:Point) WHERE p.doc_id = d.id
RETURN d.source AS source, d.plan_title AS plan, d.issuer AS issuer, d.issued_date AS issued,
       d.doc_number AS doc_number, count(p) AS points
ORDER BY issued, source
