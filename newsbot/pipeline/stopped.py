"""What a run had finished when it was stopped, and the report it then gives.

The run fills a ``Finished`` as it goes: each source once its list is read, each
job once its post is written (or it was decided it gets none). A run stopped
part-way (Ctrl-C, SIGTERM) reports those as they were, and every other job and
source as ``interrupted``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from newsbot.jobs import Job
from newsbot.models import JobResult, RunReport, SourceResult
from newsbot.pipeline.lists import Listing

INTERRUPTED = "interrupted"  # the status of a job or source the run stopped before


@dataclass
class Finished:
    """The sources and jobs of a run that are done, filled in as they finish."""

    listings: dict[tuple[str, int], Listing] = field(default_factory=dict)  # (job, source #)
    jobs: dict[str, JobResult] = field(default_factory=dict)
    recorded: bool = False  # the run's own report is in the run history already

    def listing(self, job: Job, index: int, listing: Listing) -> None:
        """Source number ``index`` of ``job`` has its list read."""
        self.listings[job.name, index] = listing

    def job(self, result: JobResult) -> None:
        """The job is done: its post written, or it gets none."""
        self.jobs[result.job] = result

    def report(self, jobs: Sequence[Job], day: date, now: datetime) -> RunReport:
        """The run's report so far: what finished as it is, the rest ``interrupted``."""
        results = tuple(self.jobs.get(job.name) or self._unfinished(job, day) for job in jobs)
        notes = (n for job in results for s in job.sources for n in s.notes)
        return RunReport(started_at=now, jobs=results, notes=tuple(dict.fromkeys(notes)))

    def _unfinished(self, job: Job, day: date) -> JobResult:
        sources = []
        for i, ref in enumerate(job.sources):
            listing = self.listings.get((job.name, i))
            if listing is not None:
                sources.append(listing.result())
            else:
                why = "interrupted before it finished"
                sources.append(SourceResult(ref.name, ref.section, INTERRUPTED, message=why))
        why = "the run was interrupted before this job finished"
        return JobResult(job.name, day, INTERRUPTED, message=why, sources=tuple(sources))
