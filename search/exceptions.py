class SearchUnavailable(Exception):
    """The configured backend cannot run here; the message says what to change."""

    def __init__(self, zh: str, en: str):
        self.zh, self.en = zh, en
        super().__init__(f"{zh}（{en}）")
