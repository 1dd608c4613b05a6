from .roles import Role, has_role


def roles(request):
    """``roles.seller`` etc. in templates, for the links each person's work needs."""
    user = getattr(request, "user", None)
    return {"roles": {role.name.lower(): has_role(user, role) for role in Role}}
