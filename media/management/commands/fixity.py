import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from media.fixity import run_audit


class Command(BaseCommand):
    help = (
        "重新计算每个原始文件和副本的校验值，与记录的校验值核对；有文件缺失或被改动时以非零状态退出 / "
        "Re-hash every original and derivative against its recorded checksum; exit non-zero on any problem."
    )

    def handle(self, *args, **options):
        bars: list[tqdm] = []

        def progress_factory(total: int):
            # disable=None: a bar on a terminal, nothing in the scheduler's log.
            bar = tqdm(
                total=total, unit="B", unit_scale=True, unit_divisor=1024, desc="核对中", file=sys.stderr, disable=None
            )
            bars.append(bar)
            return bar.update

        try:
            audit = run_audit(progress_factory)
        finally:
            for bar in bars:
                bar.close()
        self.stdout.write(
            f"核查 #{audit.pk}：{audit.files_checked} 个文件，{audit.bytes_checked / 1024**2:.1f} MB；"
            f"新记录校验值 {audit.newly_recorded} 个，没有校验值可核对 {audit.unhashed} 个"
        )
        problems = list(audit.problems.all())
        for problem in problems:
            line = f"{problem.get_kind_display()}：{problem.path}（{problem.subject}）"
            if problem.found:
                line += f" 记录 {problem.algorithm} {problem.expected}，实际 {problem.found}"
            elif problem.detail:
                line += f" {problem.detail}"
            self.stdout.write(line)
        if problems:
            raise CommandError(f"完整性核查发现 {len(problems)} 个问题（fixity audit found {len(problems)} problems）")
        self.stdout.write(self.style.SUCCESS("全部文件完好 / every file is intact"))
