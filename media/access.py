"""May a recording be used now? media/ knows no narrators: the app that files recordings
under narrators answers, through the hook object named in settings.RECORDING_STATION_HOOKS
(its ``withheld(recording_ids)``). Asked by the admin's transcript editor, audio and
exports, and by the recorder's own recording views (issue 10, finding 8)."""

import functools

from django.conf import settings
from django.http import HttpResponseNotFound, JsonResponse
from django.utils.module_loading import import_string

from .exceptions import BilingualError


class RecordingWithheld(BilingualError):
    """A narrator in the recording withdrew archive consent: nobody uses it any more."""

    code = "recording_withheld"
    status = 404


def withheld(recording_ids) -> set[int]:
    """Of these recordings, the ones nobody may use now."""
    ids = {int(pk) for pk in recording_ids}
    path = getattr(settings, "RECORDING_STATION_HOOKS", "")
    hooks = import_string(path) if path else None
    if not ids or hooks is None or not hasattr(hooks, "withheld"):
        return set()
    return set(hooks.withheld(ids))


def check_usable(recording) -> None:
    if recording.pk in withheld([recording.pk]):
        # Names nothing: the refusal must not tell whose voice it is.
        raise RecordingWithheld("讲述人已撤回存档同意，这段录音不能再使用", "archive consent was withdrawn")


def refuse_withheld(json: bool = False):
    """Turn :class:`RecordingWithheld` into a 404 with its Chinese message (JSON or plain text)."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except RecordingWithheld as error:
                if json:
                    body = {"error": error.code, "zh": error.zh, "en": error.en}
                    return JsonResponse(body, status=error.status, json_dumps_params={"ensure_ascii": False})
                return HttpResponseNotFound(error.message, content_type="text/plain; charset=utf-8")

        return wrapped

    return decorate
