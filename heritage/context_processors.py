from django.conf import settings

from .roles import Role, has_role


def roles(request):
    """``roles.seller`` etc. in templates, for the links each person's work needs."""
    user = getattr(request, "user", None)
    return {"roles": {role.name.lower(): has_role(user, role) for role in Role}}


def page_tools(request):
    """Templates other apps add below archive pages (e.g. making story snippets), named in settings."""
    return {"page_tools": settings.ARCHIVE_PAGE_TOOLS}
