"""The REST API for partner ERPs (`/api/v1/`): a face over the services, importing any app below it."""
