from associations import access


def navigation(request):
    """The user's roles (their name and badge) and what the navigation offers them, `can`
    (associations.access.can: from the same rules as the pages), computed once per request."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"roles": access.roles_for(user), "can": access.can(user)}
