"""A tiny CoNLL-2003 corpus written for these tests (two documents)."""

CONLL = """-DOCSTART- -X- -X- O

PARIS B-LOC
TALKS O

Angela B-PER
Merkel I-PER
met O
the O
U.S. B-LOC
team O
of O
Acme B-ORG
Corp I-ORG
. O
Merkel B-PER
left O
. O

-DOCSTART- -X- -X- O

Oslo B-LOC
is O
cold O
. O
"""
