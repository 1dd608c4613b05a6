"""Where each person lands after signing in (issue 14): their own start, not a 404.

The first role that applies wins, in the order of the work it opens: a facilitator runs
the archive from the admin, a recorder records, a participant builds their workshop's
kits, a seller downloads kits, a community member reads the archive. A safe ``next``
(same host, Django's check) still wins over all of them.
"""

from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse

from .models import HeritageIndexPage
from .roles import Role, has_role

# URL names, so heritage need not import the apps that own the pages.
START_VIEWS = [
    (Role.FACILITATOR, "wagtailadmin_home"),
    (Role.RECORDER, "station:page"),
    (Role.PARTICIPANT, "stories:kit_list"),
    (Role.SELLER, "stories:shelf"),
]


def archive_url() -> str:
    index = HeritageIndexPage.objects.live().public().order_by("path").first()
    return index.url if index is not None and index.url else "/"


def start_url(user) -> str:
    """The page ``user`` starts from; the archive for a community member or anyone else."""
    for role, view_name in START_VIEWS:
        if has_role(user, role):
            return reverse(view_name)
    return archive_url()


class SignInView(auth_views.LoginView):
    def get_default_redirect_url(self):
        return start_url(self.request.user)


def profile(request):
    """``/accounts/profile/`` (Django's default landing, and old bookmarks): the person's start."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return redirect(start_url(request.user))
