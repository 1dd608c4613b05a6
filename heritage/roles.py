"""The roles the product needs, as Django groups with their permissions.

One table says what each role may do; ``ensure_roles`` makes the groups match it after
every ``migrate`` (so a fresh database, and a new app's permissions, are covered without
hand work). Views ask :func:`has_role`; a superuser holds every role.

* facilitator — runs the archive in the Wagtail admin: curates, corrects, approves kits;
* recorder — a facilitator's helper or family member: records elders, sees own recordings;
* workshop participant — a villager assembling brand kits on the kit board;
* seller — downloads published kits from the shelf, sees nothing else that is not public;
* community member — a signed-in villager: sees community items of the archive.
"""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class Role(StrEnum):
    FACILITATOR = "facilitator"
    RECORDER = "recorder"
    PARTICIPANT = "workshop_participant"
    SELLER = "seller"
    COMMUNITY = "community"


GROUP_NAMES = {
    Role.FACILITATOR: "协作者 facilitator",
    Role.RECORDER: "录音员 recorder",
    Role.PARTICIPANT: "工作坊成员 workshop participant",
    Role.SELLER: "电商卖家 seller",
    Role.COMMUNITY: "社区成员 community member",
}

LABELS = {
    Role.FACILITATOR: _("协作者"),
    Role.RECORDER: _("录音员"),
    Role.PARTICIPANT: _("工作坊成员"),
    Role.SELLER: _("电商卖家"),
    Role.COMMUNITY: _("社区成员"),
}

# Model permissions ("app_label.codename") per role. Codenames of apps not installed
# yet are skipped; the next migrate grants them.
PERMISSIONS: dict[Role, list[str]] = {
    Role.FACILITATOR: [
        "wagtailadmin.access_admin",
        "heritage.add_narrator",
        "heritage.change_narrator",
        "heritage.view_narrator",
        "heritage.add_consent",
        "heritage.change_consent",
        "heritage.view_consent",
        "heritage.add_topicprompt",
        "heritage.change_topicprompt",
        "heritage.delete_topicprompt",
        "heritage.add_theme",
        "heritage.change_theme",
        "heritage.add_glossaryterm",
        "heritage.change_glossaryterm",
        "heritage.delete_glossaryterm",
        "media.add_audiorecording",
        "media.change_audiorecording",
        "media.view_audiorecording",
        "media.change_transcript",
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
        "stories.add_workshop",
        "stories.change_workshop",
        "stories.view_workshop",
        "stories.add_storysnippet",
        "stories.change_storysnippet",
        "stories.delete_storysnippet",
        "stories.add_brandkit",
        "stories.change_brandkit",
        "stories.publish_brandkit",
        "stories.lock_brandkit",
        "stories.unlock_brandkit",
        "stories.approve_brandkit",
        "ledger.add_benefitagreement",
        "ledger.change_benefitagreement",
        "ledger.view_benefitagreement",
        "ledger.add_household",
        "ledger.change_household",
        "ledger.view_household",
    ],
    # Recording needs media.add_audiorecording (media's views ask for it); the station
    # lists narrators and records their consent.
    Role.RECORDER: [
        "media.add_audiorecording",
        "heritage.add_narrator",
        "heritage.view_narrator",
        "heritage.add_consent",
    ],
    Role.PARTICIPANT: [
        "stories.add_storysnippet",
        "stories.add_brandkit",
        "stories.change_brandkit",
    ],
    Role.SELLER: [],
    Role.COMMUNITY: [],
}

# Page permissions on the whole tree (Wagtail's own permission model for pages).
PAGE_PERMISSIONS = {Role.FACILITATOR: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]}

# Collection permissions on the root collection, inherited by every collection under it.
# Wagtail's image library and image chooser ask these, not the model permissions above
# (CollectionOwnershipPermissionPolicy): without them a facilitator cannot open
# /admin/images/ nor upload a photo. What each image then shows passes the gate
# (heritage/admin_gate.py).
COLLECTION_PERMISSIONS = {
    Role.FACILITATOR: ["wagtailimages.add_image", "wagtailimages.change_image", "wagtailimages.choose_image"]
}


def has_role(user, role: Role) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    names = getattr(user, "_role_group_names", None)
    if names is None:
        names = set(user.groups.values_list("name", flat=True))
        user._role_group_names = names
    return GROUP_NAMES[Role(role)] in names


RECORDING_ROLES = (Role.RECORDER, Role.FACILITATOR)


def may_record(user) -> bool:
    """The recording station: recorders and facilitators."""
    return any(has_role(user, role) for role in RECORDING_ROLES)


def roles_required(*roles: Role):
    """View decorator: signed-out people are sent to sign in; signed-in people holding
    none of ``roles`` get 403."""
    from functools import wraps

    from django.contrib.auth.views import redirect_to_login
    from django.core.exceptions import PermissionDenied

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


def grant(user, *roles: Role) -> None:
    from django.contrib.auth.models import Group

    for role in roles:
        group = Group.objects.filter(name=GROUP_NAMES[Role(role)]).first()
        if group is None:  # a flushed test database, or a database migrated before this role existed
            ensure_roles()
            group = Group.objects.get(name=GROUP_NAMES[Role(role)])
        user.groups.add(group)
    user.__dict__.pop("_role_group_names", None)


def ensure_roles(**kwargs) -> None:
    """Create the groups and give them exactly the permissions the table names."""
    from django.contrib.auth.models import Group, Permission

    by_key = {
        f"{app}.{codename}": pk
        for pk, app, codename in Permission.objects.values_list("pk", "content_type__app_label", "codename")
    }
    for role, names in PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=GROUP_NAMES[role])
        group.permissions.set([by_key[name] for name in names if name in by_key])
    _ensure_page_permissions()
    _ensure_collection_permissions(by_key)


def _ensure_page_permissions() -> None:
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import GroupPagePermission, Page

    root = Page.get_first_root_node()
    if root is None:
        return
    for role, codenames in PAGE_PERMISSIONS.items():
        group = Group.objects.get(name=GROUP_NAMES[role])
        for permission in Permission.objects.filter(content_type__app_label="wagtailcore", codename__in=codenames):
            GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)


def _ensure_collection_permissions(by_key: dict[str, int]) -> None:
    from django.contrib.auth.models import Group
    from wagtail.models import Collection, GroupCollectionPermission

    root = Collection.get_first_root_node()
    if root is None:
        return
    for role, names in COLLECTION_PERMISSIONS.items():
        group = Group.objects.get(name=GROUP_NAMES[role])
        for name in names:
            if name in by_key:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root, permission_id=by_key[name]
                )
