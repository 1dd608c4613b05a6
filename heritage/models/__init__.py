from .glossary import GlossaryTerm
from .images import HeritageImage, HeritageRendition
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
from .people import AccessLevel, Consent, ConsentMethod, ConsentScope, Narrator, User
from .station import StationRecording, StationRecordingKind, TopicPrompt
from .taxonomy import Theme

__all__ = [
    "AccessLevel",
    "Consent",
    "GlossaryTerm",
    "ConsentMethod",
    "ConsentScope",
    "FamilyMemoryPage",
    "HeritageImage",
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
