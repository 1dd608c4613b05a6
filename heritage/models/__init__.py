# The station's models live with the station (heritage/station/); their app label stays heritage.
from ..station.models import StationRecording, StationRecordingKind, TopicPrompt
from .evidence import ConsentMethod
from .glossary import GlossaryTerm
from .images import HeritageImage, HeritageRendition
from .page_cache import PageCacheVersion
from .pages import (
    FamilyMemoryPage,
    HeritageIndexPage,
    HomePage,
    MemoryNarrator,
    OralHistoryNarrator,
    OralHistoryPage,
    RecipeNarrator,
    RecipePage,
)
from .people import (
    AccessLevel,
    Consent,
    ConsentChange,
    ConsentChangeAction,
    ConsentScope,
    ConsentStatus,
    ConsentSweep,
    Narrator,
    User,
)
from .taxonomy import Theme

__all__ = [
    "AccessLevel",
    "Consent",
    "ConsentChange",
    "ConsentChangeAction",
    "ConsentStatus",
    "ConsentSweep",
    "GlossaryTerm",
    "ConsentMethod",
    "ConsentScope",
    "FamilyMemoryPage",
    "HeritageImage",
    "PageCacheVersion",
    "HeritageIndexPage",
    "HeritageRendition",
    "HomePage",
    "MemoryNarrator",
    "Narrator",
    "OralHistoryNarrator",
    "OralHistoryPage",
    "RecipeNarrator",
    "RecipePage",
    "StationRecording",
    "StationRecordingKind",
    "Theme",
    "TopicPrompt",
    "User",
]
