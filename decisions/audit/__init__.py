"""The audit log: append-only, hash-chained and keyed, and a Merkle tree others can verify.

- `chain`: the keys, an entry's canonical bytes and its SHA-256 and HMAC;
- `record`: the one write path (`record`, and `build`/`seal` for bulk generation);
- `verify`: `verify_chain`, `verify_log` (the chain and the checkpoints in one pass) and the
  record of each verification; `chain_read` its fast read of the rows;
- `receivers`: sign-ins, sign-outs, failed sign-ins, lockouts and two-factor changes;
- `review`, `views`, `urls`: the safeguarding lead's review screen and exports;
- `merkle`, `checkpoint`, `proof`: the RFC 9162 tree, C2SP signed notes and inclusion-proof
  documents, pure Python with no Django (verify_proof runs them with no database);
- `tree`: the tree's nodes as stored, appended to by `record`;
- `checkpoints`: the signing keys, signed checkpoints and their witnesses, proofs of one entry,
  and the log held against every checkpoint;
- `live`: "verify now", the whole check in bounded steps from the review screen.
"""
