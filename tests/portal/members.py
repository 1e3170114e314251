"""Members of a creditor, signed in to the portal: what most portal tests start from."""
from core.tenancy import creditor_scope
from creditors.services import membership_add

PASSWORD = "a-long-demo-password"


def sign_in(client, creditor, role, email="staff@acme.se"):
    """`client`, signed in as a new member of `creditor` with `role` (a `creditors.Role`)."""
    with creditor_scope(creditor):
        membership_add(creditor=creditor, email=email, role=role, password=PASSWORD)
    assert client.login(username=email, password=PASSWORD)
    return client
