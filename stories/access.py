"""Who may use which part of the co-creation workspace (the role × view table's rules)."""

from heritage.roles import Role, has_role

from .board import may_edit

BOARD_ROLES = (Role.FACILITATOR, Role.PARTICIPANT)
SHELF_ROLES = (Role.FACILITATOR, Role.SELLER)


def may_download(kit, user) -> bool:
    return any(has_role(user, role) for role in SHELF_ROLES) or may_edit(kit, user)
