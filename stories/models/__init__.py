from .kits import BrandKit, KitComment, KitPhoto, KitSnippet, KitVote
from .snippets import SnippetSource, StorySnippet
from .workshops import Workshop

__all__ = [
    "BrandKit",
    "KitComment",
    "KitPhoto",
    "KitSnippet",
    "KitVote",
    "SnippetSource",
    "StorySnippet",
    "Workshop",
]
