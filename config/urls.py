from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from heritage import accounts
from heritage import urls as heritage_urls
from heritage import views as heritage_views
from heritage.station import urls as station_urls
from heritage.station import views as station_views
from ledger import urls as ledger_urls
from search import urls as search_urls
from stories import urls as stories_urls

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap),
    path("accounts/login/", accounts.SignInView.as_view(), name="login"),
    path("accounts/profile/", accounts.profile, name="profile"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("archive-audio/", include(heritage_urls)),
    path("search/", include(search_urls)),
    path("kits/", include(stories_urls)),
    path("ledger/", include(ledger_urls)),
    # The recording station (heritage/station/), mounted once; its old address redirects.
    path("station/", include(station_urls)),
    path("recorder/", station_views.moved, name="station_moved"),
    path("recorder/<path:rest>", station_views.moved, name="station_moved_path"),
    # Every stored file asked for by URL passes the consent gate, with DEBUG on or off:
    # images and renditions are served by it, everything else there is not found.
    path(f"{settings.MEDIA_URL.strip('/')}/<path:name>", heritage_views.media_file, name="media_file"),
]

urlpatterns += [path("", include(wagtail_urls))]

# Every error page in one shape, Chinese first (heritage/errors.py).
handler400 = "heritage.errors.bad_request"
handler403 = "heritage.errors.permission_denied"
handler404 = "heritage.errors.page_not_found"
handler500 = "heritage.errors.server_error"
