from django.core.management.base import BaseCommand, CommandError

from maintenance.registry import daily_jobs, run_daily


class Command(BaseCommand):
    help = (
        "Run every daily job the apps registered (purging commenters' IP addresses, "
        "emptying the trash...). Run it once a day from cron; the exit status is not 0 "
        "when any job failed (the others still run)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--job",
            action="append",
            dest="jobs",
            metavar="NAME",
            help="Run only this job (repeatable). --list shows the names.",
        )
        parser.add_argument(
            "--list",
            action="store_true",
            dest="list_jobs",
            help="List the registered jobs and run none.",
        )

    def handle(self, *args, jobs=None, list_jobs=False, **options):
        registered = daily_jobs()
        if list_jobs:
            for name in registered:
                self.stdout.write(name)
            return
        unknown = sorted(set(jobs or ()) - set(registered))
        if unknown:
            raise CommandError(
                f"No daily job called {', '.join(unknown)}; known: {', '.join(registered)}."
            )
        results = run_daily(jobs)
        for result in results:
            line = f"{result.name}: {result.message} ({result.seconds:.3f} s)"
            if result.ok:
                self.stdout.write(line)
            else:
                self.stderr.write(f"FAILED {line}")
        failed = [result.name for result in results if not result.ok]
        if failed:
            raise CommandError(
                f"{len(failed)} of {len(results)} daily jobs failed: {', '.join(failed)}."
            )
