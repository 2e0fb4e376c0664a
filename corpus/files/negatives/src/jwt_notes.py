# alg=none tokens carry no signature and are rejected by the verifier
UNSIGNED = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbm9uIiwiaWF0IjoxNzY3MjI1NjAwfQ."
HEADER_ONLY = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
