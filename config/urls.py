from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from heritage import accounts, station_urls
from heritage import urls as heritage_urls
from heritage import views as heritage_views
from ledger import urls as ledger_urls
from media import urls as recorder_urls
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
    # The recording station: the page is heritage's (narrators, consent), the uploads media's.
    path("recorder/", include(station_urls)),
    path("recorder/", include(recorder_urls)),
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
