"""Who may use which part of the co-creation workspace (the role × view table's rules)."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from heritage.roles import Role, has_role

from .board import may_edit

BOARD_ROLES = (Role.FACILITATOR, Role.PARTICIPANT)
SHELF_ROLES = (Role.FACILITATOR, Role.SELLER)


def roles_required(*roles):
    """Signed-out people are sent to sign in; signed-in people without the role get 403."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not any(has_role(request.user, role) for role in roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def may_download(kit, user) -> bool:
    return any(has_role(user, role) for role in SHELF_ROLES) or may_edit(kit, user)
