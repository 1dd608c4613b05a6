from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from heritage import station_urls
from heritage import urls as heritage_urls
from ledger import urls as ledger_urls
from media import urls as recorder_urls
from search import urls as search_urls
from stories import urls as stories_urls

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("archive-audio/", include(heritage_urls)),
    path("search/", include(search_urls)),
    path("kits/", include(stories_urls)),
    path("ledger/", include(ledger_urls)),
    # The recording station: the page is heritage's (narrators, consent), the uploads media's.
    path("recorder/", include(station_urls)),
    path("recorder/", include(recorder_urls)),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    # Images only: recordings are never served from MEDIA_URL but through the
    # consent-checked audio view.
    urlpatterns += static(settings.MEDIA_URL + "images/", document_root=settings.MEDIA_ROOT / "images")
    urlpatterns += static(
        settings.MEDIA_URL + "original_images/",
        document_root=settings.MEDIA_ROOT / "original_images",
    )

urlpatterns += [path("", include(wagtail_urls))]
