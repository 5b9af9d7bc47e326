"""The audit log: append-only, hash-chained and keyed.

- `chain`: the keys, an entry's canonical bytes and its SHA-256 and HMAC;
- `record`: the one write path (`record`, and `build`/`seal` for bulk generation);
- `verify`: `verify_chain` and the record of each verification;
- `receivers`: sign-ins, sign-outs, failed sign-ins and lockouts;
- `review`, `views`, `urls`: the safeguarding lead's review screen and exports.
"""
