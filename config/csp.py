"""Two Content-Security-Policies: a strict one for the site, a looser one for the admin.

One policy cannot serve both: the Wagtail admin still needs inline scripts
('unsafe-inline', wagtail#12940), and browsers ignore 'unsafe-inline' in a directive that
also carries a nonce. So the admin's requests get ``ADMIN_CONTENT_SECURITY_POLICY`` and
every other request ``CONTENT_SECURITY_POLICY`` (SERVING-AND-ARCHIVING.md §3).
"""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        # A view's own policy (a decorator) still wins; the report-only header stays as set.
        if not report_only and parts.config is None and request.path_info.startswith(settings.ADMIN_URL_PREFIX):
            parts.config = settings.ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"]
            parts.nonce = None
        return parts
