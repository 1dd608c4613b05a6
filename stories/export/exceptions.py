"""Errors of the kit export, named after what a person has to put right."""


class ExportError(Exception):
    """Base class: an export that cannot be made as asked."""


class MissingFontError(ExportError):
    """The CJK font the label needs is not installed on this machine."""

    def __init__(self, path, package: str):
        self.path = path
        self.package = package
        super().__init__(
            f"CJK font not found at {path}: install the Debian package {package} (apt-get install {package})"
        )


class RulesFileError(ExportError):
    """The platform rules file has a missing or wrong value; ``where`` names it."""

    def __init__(self, where: str, problem: str):
        self.where = where
        self.problem = problem
        super().__init__(f"platform rules, {where}: {problem}")


class LabelContrastError(ExportError):
    """Text on the label would be printed below 4.5:1 against its background: not exported."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("标签文字对比度不够，不能导出：" + "；".join(problems) + "。请在色板里换一个更深的颜色。")
