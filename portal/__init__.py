"""The creditor's pages: server-rendered views over the services, importing any app below them."""
