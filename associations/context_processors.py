from associations import access


def navigation(request):
    """The user's roles, for the navigation bar (computed once per request)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"roles": access.roles_for(user), "can_see_directory": access.can_see_directory(user)}
