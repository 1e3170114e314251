"""What every portal page's header needs to know about the person signed in."""
from dunning.workqueue import agency_staff_of


def agency(request):
    """`agency_staff`: the user's place in the agency (the queue's links in the header), or None."""
    user = getattr(request, "user", None)
    section = request.path.strip("/").split("/")[0] or "overview"  # the header marks it as the current page
    if section == "agent":
        section = "agent/" + (request.path.strip("/").split("/") + [""])[1]
    return {"agency_staff": agency_staff_of(user) if user is not None and user.is_authenticated else None,
            "section": section}
