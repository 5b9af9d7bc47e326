"""The API's endpoints: thin, like the pages. Every object is fetched through the pages'
selectors with the client's account, so a rule is decided in one place for both; every
change goes through the pages' services. One module per resource."""
