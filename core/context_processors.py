def tenant(request):
    return {"current_creditor": getattr(request, "creditor", None)}
