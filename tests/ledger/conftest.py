# The archive, the people and the kit builder of the stories tests, shared here.
from tests.stories.conftest import archive, make_kit, people  # noqa: F401
