"""``newsbot jobs`` refuses at load what ``run`` and ``schedule`` would reject later,
and config values that cannot be honoured are refused with their key (exit 64)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from newsbot import config as config_mod
from newsbot.errors import ConfigError, JobError
from newsbot.jobs import Job, load_jobs
from newsbot.scaffold import JOBS
from tests.cli.test_cli import newsbot

JOB = 'title = "x"\nslug = "{slug}"\n{extra}\n[[sources]]\nname = "{source}"\nsection = "105"\n'


def write_job(
    folder: Path, name: str, extra: str = "", *, slug: str = "", source: str = "naver"
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.toml"
    path.write_text(JOB.format(slug=slug or name, extra=extra, source=source), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ('schedule = "30 25 * * *"', "schedule"),  # no hour 25
        ('schedule = "61 12 * * *"', "schedule"),  # no minute 61
        ('schedule = "30 12 * * mon-fry"', "schedule"),  # a typo for mon-fri
        ('schedule = "30 12 * * 1-5"', "day-of-week"),  # numbers mean different days
        ('schedule = "30 12 * *"', "5-field"),
        ('front_matter_extra = { date = "2020-01-01" }', "front_matter_extra may not set date"),
        ('front_matter_extra = { title = "x" }', "front_matter_extra may not set title"),
        ("snippet_chars = 0", "snippet_chars"),
        ("colour = 1", "colour"),
        # a daily list ignores [digest]: a misplaced table, not a setting
        ("[digest]\nmax_articles = 3", "[digest] is read only by style = 'digest' jobs"),
        ('front_matter_extra = { permalink = "/" }', "one address for every post"),
        ('front_matter_extra = { permalink = "/news/today.html" }', "permalink"),
        ('name = "My Job"', "must be one word"),
        ('name = "x\\"; id; echo \\""', "must be one word"),
        ('name = "../evil"', "must be one word"),
    ],
)
def test_a_job_value_run_or_schedule_would_reject_fails_newsbot_jobs(
    tmp_path: Path, extra: str, named: str
) -> None:
    path = write_job(tmp_path / "jobs", "bad", extra)
    done = newsbot("jobs", "--jobs-dir", str(tmp_path / "jobs"))
    assert done.returncode == 64, done.stdout
    assert str(path) in done.stderr and named in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ("options = { page = 3 }", "options.page"),  # for pages
        ('options = { archive_section = ["230"] }', "options.archive_section"),
        ('options = { archive_sections = "230" }', "options.archive_sections"),  # not 3 sections
        ('options = { pages = "x" }', "options.pages"),
        ('options = { archive = "old" }', "options.archive"),
    ],
)
def test_option_typos_are_refused_with_the_key_named(
    tmp_path: Path, options: str, named: str
) -> None:
    folder = tmp_path / "jobs"
    folder.mkdir()
    (folder / "typo.toml").write_text(JOB.format(slug="typo", extra="", source="naver") + options)
    done = newsbot("jobs", "--jobs-dir", str(folder))
    assert done.returncode == 64 and named in done.stderr, done.stderr


@pytest.mark.parametrize(
    "title",
    # {date.__class__} would post "<class 'datetime.date'>": only the day, formatted
    ["{date.__class__}", "{date.year} {0}", "{date!r}", "{date:{x}}", "{day}"],
)
def test_a_title_template_may_format_only_the_day(tmp_path: Path, title: str) -> None:
    path = write_job(tmp_path / "jobs", "t")
    path.write_text(path.read_text().replace('title = "x"', f'title = "{title}"'))
    done = newsbot("jobs", "--jobs-dir", str(tmp_path / "jobs"))
    assert done.returncode == 64 and str(path) in done.stderr
    assert "only {date} and {date:%Y.%m.%d} exist" in done.stderr, done.stderr


def test_a_job_file_whose_stem_is_no_job_name_is_refused_and_named(tmp_path: Path) -> None:
    path = write_job(tmp_path / "jobs", "My Job", slug="my-job")
    done = newsbot("jobs", "--jobs-dir", str(tmp_path / "jobs"))
    assert done.returncode == 64 and str(path) in done.stderr
    assert "'My Job' must be one word" in done.stderr


def test_job_values_that_look_alike_but_are_fine_still_load(tmp_path: Path) -> None:
    folder = tmp_path / "jobs"
    path = write_job(folder, "a.b_c-1", slug="abc")
    path.write_text(path.read_text().replace('"x"', '"{date:%Y.%m.%d} {{literal}} 뉴스"'))
    extra = 'style = "digest"\nfront_matter_extra = { permalink = "/:year/:title/" }\n[digest]'
    write_job(folder, "d", extra + "\nmax_articles = 3")
    done = newsbot("jobs", "--jobs-dir", str(folder))
    assert done.returncode == 0, done.stderr
    (job,) = load_jobs(folder, ["a.b_c-1"])
    assert job.post_title(date(2026, 12, 3)) == "2026.12.03 {literal} 뉴스"


def test_an_unknown_source_is_refused(tmp_path: Path) -> None:
    write_job(tmp_path / "jobs", "odd", source="daum")
    done = newsbot("jobs", "--jobs-dir", str(tmp_path / "jobs"))
    assert done.returncode == 64 and "unknown source 'daum'" in done.stderr


def test_two_files_with_one_slug_or_name_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "jobs"
    first = write_job(folder, "one", slug="same")
    second = write_job(folder, "two", slug="same")
    done = newsbot("jobs", "--jobs-dir", str(folder))
    assert done.returncode == 64
    assert str(first) in done.stderr and str(second) in done.stderr and "slug" in done.stderr
    second.write_text(JOB.format(slug="other", extra='name = "one"', source="naver"))
    with pytest.raises(JobError, match="both have name 'one'"):
        load_jobs(folder)


def test_a_sources_table_for_an_unknown_source_is_refused(tmp_path: Path) -> None:
    cfg = tmp_path / "newsbot.toml"
    cfg.write_text("[sources.daum]\nmin_items = 3\n")
    done = newsbot("jobs", "--config", str(cfg))
    assert done.returncode == 64 and "[sources.daum]" in done.stderr


def test_a_job_without_a_schedule_gets_none_and_the_daemon_leaves_it(tmp_path: Path) -> None:
    write_job(tmp_path / "jobs", "byhand")
    write_job(tmp_path / "jobs", "timed", 'schedule = "30 12 * * *"')
    done = newsbot("jobs", "--jobs-dir", str(tmp_path / "jobs"))
    assert done.returncode == 0, done.stderr
    assert "byhand\t- (no schedule)\tnaver/105" in done.stdout
    assert "timed\t30 12 * * *\tnaver/105" in done.stdout
    assert load_jobs(tmp_path / "jobs", ["byhand"])[0].schedule is None


def test_a_slug_with_a_trailing_newline_is_refused() -> None:
    data = {"name": "a", "title": "t", "slug": "ok\n", "sources": [{"name": "naver"}]}
    with pytest.raises(ValueError, match="slug"):
        Job.model_validate(data)


def test_the_builtin_jobs_are_listed_from_any_folder(tmp_path: Path) -> None:
    for args in (["jobs"], ["jobs", "--builtin"]):  # an empty folder: the built-in jobs
        done = newsbot(*args, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        names = [line.split("\t")[0] for line in done.stdout.splitlines()]
        assert names == [j.name for j in load_jobs(JOBS)] and "krnews-it" in names
        assert f"in {JOBS}" in done.stderr
    done = newsbot("jobs", "--jobs-dir", "nowhere", cwd=tmp_path)  # asked for: no fallback
    assert done.returncode == 64 and "jobs directory not found: nowhere" in done.stderr


# --- config values ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ("[fetch]\nrun_budget = inf\n", "fetch.run_budget"),
        ("[fetch]\ndeadline = nan\n", "fetch.deadline"),
        ("[fetch]\nhost_delay = inf\n", "fetch.host_delay"),
        ("[summarize.llm]\ntimeout = inf\n", "summarize.llm.timeout"),
    ],
)
def test_durations_that_never_end_are_refused(tmp_path: Path, toml: str, key: str) -> None:
    path = tmp_path / "newsbot.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        config_mod.load(path)


@pytest.mark.parametrize(
    "args",
    [
        ["run", "--date", "1899-12-31"],
        ["run", "--date", "0001-01-01"],
        ["backfill", "--from", "0001-01-01", "--to", "0001-01-02"],
        ["status", "--days", "1000000000"],
        ["status", "--days", "0"],
        # fromisoformat reads these as days; a user who typed them meant something else
        ["run", "--date", "20261202"],
        ["run", "--date", "2026-W49-3"],
        ["backfill", "--from", "2026-W49-3", "--to", "2026-12-03"],
        ["run", "--date", "2026-12-02T00:00"],
    ],
)
def test_days_that_cannot_be_honoured_are_refused(tmp_path: Path, args: list[str]) -> None:
    done = newsbot(*args, "--output", str(tmp_path / "_posts"))
    assert done.returncode == 64, done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "_posts").exists()
    if args[0] != "status":
        assert "expected" in done.stderr


def test_a_bad_host_map_flag_is_blamed_on_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "newsbot.toml"
    path.write_text("[fetch]\nhost_delay = 1.0\n")
    done = newsbot("jobs", "--config", str(path), "--host-map", "news.naver.com=ftp://x")
    assert done.returncode == 64 and "command line" in done.stderr
    assert str(path) not in done.stderr
    path.write_text('[fetch]\nhost_map = { "a.kr" = "ftp://x" }\n')
    done = newsbot("jobs", "--config", str(path))
    assert done.returncode == 64 and f"in {path}" in done.stderr


@pytest.mark.parametrize(
    ("key", "hint"),
    [
        ("https://feeds.example.com", "'feeds.example.com'"),  # never matched a host
        ("feeds.example.com:8080", "'feeds.example.com'"),
        ("feeds.example.com/rss", "'feeds.example.com'"),
        ("user@feeds.example.com", "'feeds.example.com'"),
        (" ", ""),
    ],
)
def test_a_host_map_key_that_is_no_host_name_is_refused(
    tmp_path: Path, key: str, hint: str
) -> None:
    path = tmp_path / "newsbot.toml"
    path.write_text(f'[fetch]\nhost_map = {{ "{key}" = "http://127.0.0.1:8080" }}\n')
    done = newsbot("jobs", "--config", str(path))
    assert done.returncode == 64 and "Traceback" not in done.stderr
    assert f"host_map key {key!r} must be a host name alone" in done.stderr, done.stderr
    assert hint in done.stderr
    flag = newsbot("jobs", "--host-map", f"{key}=http://127.0.0.1:8080")
    assert flag.returncode == 64 and "must be a host name alone" in flag.stderr


def test_paths_in_the_config_resolve_against_its_folder(tmp_path: Path) -> None:
    blog = tmp_path / "blog"
    write_job(blog / "myjobs", "mine")
    (blog / "newsbot.toml").write_text(
        '[output]\njobs_dir = "myjobs"\ndir = "posts"\n[publish]\nrepo = "."\n'
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = newsbot("jobs", "--config", str(blog / "newsbot.toml"), cwd=elsewhere)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("mine\t") and str(blog / "myjobs") in done.stderr
    cfg = config_mod.load(blog / "newsbot.toml", {"output": {"dir": "flag/_posts"}})
    assert cfg.output.jobs_dir == blog / "myjobs" and cfg.publish.repo == blog
    assert cfg.output.dir == Path("flag/_posts")  # a flag stays relative to the current dir
    assert config_mod.load(blog / "newsbot.toml").output.dir == blog / "posts"


def test_path_defaults_follow_the_config_file_too(tmp_path: Path) -> None:
    (tmp_path / "newsbot.toml").write_text("")
    cfg = config_mod.load(tmp_path / "newsbot.toml")
    assert cfg.output.dir == tmp_path / "output" / "_posts"
    assert cfg.publish.workdir == tmp_path / ".newsbot" / "blog" and cfg.root == tmp_path
    assert config_mod.load(None).output.dir == Path("output/_posts")


def test_the_daemon_refuses_jobs_that_none_has_a_schedule(tmp_path: Path) -> None:
    write_job(tmp_path / "jobs", "byhand")
    done = newsbot("schedule", "--jobs-dir", str(tmp_path / "jobs"), "--output", str(tmp_path))
    assert done.returncode == 64
    assert "byhand has no schedule; not run by the daemon" in done.stderr
    assert "no job has a schedule" in done.stderr


# --- strict options and what the fetch would refuse -----------------------------------

FEED = 'url = "https://feeds.example/rss.xml"'
HTML = 'url = "https://news.example/list?p={page}", selectors = { item = "li" }'


def generic_job(folder: Path, source: str, options: str, extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "g.toml"
    path.write_text(
        f'title = "x"\nslug = "g"\n{extra}\n[[sources]]\nname = "{source}"\nsection = "s"\n'
        f"options = {{ {options} }}\n",
        encoding="utf-8",
    )
    return path


def refused(path: Path, *args: str) -> str:
    """``newsbot jobs`` on ``path``'s folder: exit 64, the file named, no traceback."""
    done = newsbot("jobs", "--jobs-dir", str(path.parent), *args)
    assert done.returncode == 64, done.stdout + done.stderr
    assert str(path) in done.stderr and "Traceback" not in done.stderr
    return done.stderr


@pytest.mark.parametrize(
    ("source", "options", "named"),
    [
        ("html", f'{HTML}, pages = "2"', "options.pages: Input should be a valid integer"),
        ("html", f"{HTML}, pages = 2.5", "options.pages: Input should be a valid integer"),
        ("html", f"{HTML}, pages = 2.0", "options.pages: Input should be a valid integer"),
        ("html", f"{HTML}, pages = true", "options.pages: Input should be a valid integer"),
        ("feed", f'{FEED}, min_items = "3"', "options.min_items: Input should be a valid int"),
        ("feed", f"{FEED}, max_items = false", "options.max_items: Input should be a valid int"),
        ("html", f'{HTML}, drop_query = "yes"', "options.drop_query: Input should be a valid bo"),
        ("html", f"{HTML}, drop_query = 1", "options.drop_query: Input should be a valid bool"),
        ("feed", f"{FEED}, label = 5", "options.label: Input should be a valid string"),
        ("html", 'url = "https://n.example/", selectors = { item = 5 }', "options.selectors.item"),
        ("naver", 'force_archive = "true"', "options.force_archive: Input should be a valid b"),
        ("naver", "archive_sections = [230]", "options.archive_sections.0"),
        ("nate", 'pages = "1"', "options.pages: Input should be a valid integer"),
        ("sina", "pageid = true", "options.pageid: Input should be a valid string"),
        ("etnews", "feed = 4", "options.feed: Input should be a valid string"),
    ],
)
def test_option_values_of_the_wrong_type_are_refused_not_coerced(
    tmp_path: Path, source: str, options: str, named: str
) -> None:
    assert named in refused(generic_job(tmp_path / "jobs", source, options))


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ('allow_partial = "yes"', "allow_partial: Input should be a valid boolean"),
        ("thumbnails = 1", "thumbnails: Input should be a valid boolean"),
        ('snippet_chars = "120"', "snippet_chars: Input should be a valid integer"),
        ("snippet_chars = 120.0", "snippet_chars: Input should be a valid integer"),
        ('description = "false"', "description: Input should be a valid boolean"),
        ("tags = [1]", "tags.0: Input should be a valid string"),
        ('[digest]\nmax_articles = "8"', "digest.max_articles: Input should be a valid int"),
    ],
)
def test_job_values_of_the_wrong_type_are_refused_not_coerced(
    tmp_path: Path, extra: str, named: str
) -> None:
    path = write_job(tmp_path / "jobs", "typed", extra)
    done = newsbot("jobs", "--jobs-dir", str(path.parent))
    assert done.returncode == 64 and named in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("source", "options", "named"),
    [
        ("feed", f"{FEED}, min_items = 9, max_items = 3", "min_items 9 is over max_items 3"),
        ("feed", f"{FEED}, pages = 2", "pages: the URL has no {page}"),
        ("html", f"{HTML.replace('?p={page}', '')}, pages = 2", "pages: the URL has no {page}"),
        ("html", 'url = "https://n.example/{date:%Q}", selectors = { item = "li" }', "%Q is not"),
        ("feed", 'url = "https://n.example/{date:%Y%Q}"', "%Q is not a strftime directive"),
        ("feed", 'url = "https://n.example/{date:abc}"', "{date:abc} prints 'abc' on every day"),
        ("feed", 'url = "https://n.example/{date:%%}"', "{date:%%} prints '%%' on every day"),
        ("feed", 'url = "https://n.example/{date:%Y%}"', "% is not a strftime directive"),
        ("feed", 'url = "https://n.example/{date!r}"', "{date!r} in the URL: write {date}"),
        ("feed", 'url = "http://n.example:99999/"', "Port out of range"),
        ("feed", 'url = "http://n.example:abc/"', "Port could not be cast"),
        ("feed", 'url = "http://n.example:0/"', "port 0 is no port"),
        ("feed", 'url = "http://[::1/"', "Invalid IPv6 URL"),
    ],
)
def test_generic_options_that_could_never_work_are_refused(
    tmp_path: Path, source: str, options: str, named: str
) -> None:
    assert named in refused(generic_job(tmp_path / "jobs", source, options))


def test_a_date_template_with_day_directives_loads(tmp_path: Path) -> None:
    for n, url in enumerate(["{date}", "{date:%Y%m%d}", "{date:%-d.%-m.%Y}", "{date:%Y/%j}%%"]):
        options = f'url = "https://n.example/{url}?p={{page}}", pages = 1, min_items = 2'
        generic_job(tmp_path / str(n), "feed", f"{options}, max_items = 2")
        done = newsbot("jobs", "--jobs-dir", str(tmp_path / str(n)))
        assert done.returncode == 0, done.stderr


INSIDE = [
    "http://127.0.0.1:8080/rss.xml",
    "http://localhost/rss.xml",
    "http://10.1.2.3/rss.xml",
    "http://192.168.0.1/rss.xml",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]:8080/rss.xml",
    "http://0.0.0.0/rss.xml",
    "http://0x7f000001/rss.xml",
    "http://metadata.google.internal/x",
    "http://intranet/rss.xml",
]


@pytest.mark.parametrize("url", INSIDE)
def test_a_source_on_an_inside_address_is_refused_unless_host_map_maps_it(
    tmp_path: Path, url: str
) -> None:
    path = generic_job(tmp_path / "jobs", "feed", f'url = "{url}"')
    stderr = refused(path)
    assert "options.url: the fetch gate would refuse it" in stderr and "host_map" in stderr
    host = urlsplit(url).hostname or ""
    mapped = ["--host-map", f"{host}=http://127.0.0.1:9"]
    done = newsbot("jobs", "--jobs-dir", str(path.parent), *mapped)
    assert done.returncode == 0, done.stderr
    (tmp_path / "newsbot.toml").write_text(
        f'[fetch]\nhost_map = {{ "{host}" = "http://10.0.0.9" }}'
    )
    done = newsbot(
        "jobs", "--jobs-dir", str(path.parent), "--config", str(tmp_path / "newsbot.toml")
    )
    assert done.returncode == 0, done.stderr
    with pytest.raises(JobError, match="fetch gate would refuse"):  # no config: nothing mapped
        load_jobs(path.parent)


@pytest.mark.parametrize(
    ("origin", "named"),
    [
        ("http://127.0.0.1:99999", "Port out of range"),
        ("http://127.0.0.1:abc", "Port could not be cast"),
        ("http://127.0.0.1:0", "port 0 is no port"),
        ("http://:8080", "origin must be http(s)://host[:port]"),
    ],
)
def test_a_host_map_origin_with_a_bad_port_is_refused_with_its_key(
    tmp_path: Path, origin: str, named: str
) -> None:
    path = tmp_path / "newsbot.toml"
    path.write_text(f'[fetch]\nhost_map = {{ "a.example" = "{origin}" }}\n')
    for args in (["--config", str(path)], ["--host-map", f"a.example={origin}"]):
        done = newsbot("jobs", *args)
        assert done.returncode == 64, done.stderr
        assert "fetch.host_map" in done.stderr and "host_map['a.example']" in done.stderr
        assert named in done.stderr and "Traceback" not in done.stderr


def test_a_sources_table_whose_floor_is_over_its_cap_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "newsbot.toml"
    path.write_text("[sources.naver]\nmin_items = 9\nmax_items = 3\n")
    done = newsbot("jobs", "--config", str(path))
    assert done.returncode == 64 and "sources.naver" in done.stderr, done.stderr
    assert "min_items 9 is over max_items 3" in done.stderr


@pytest.mark.parametrize(
    ("options", "config", "floor", "cap"),
    [
        ("min_items = 60", "", 60, 50),  # over the html source's default cap
        ("max_items = 5", "[sources.html]\nmin_items = 9\n", 9, 5),
        ("min_items = 9", "[sources.html]\nmax_items = 5\n", 9, 5),
    ],
)
def test_a_floor_over_the_effective_cap_is_refused(
    tmp_path: Path, options: str, config: str, floor: int, cap: int
) -> None:
    """Either side may come from the job, [sources.html] or the source's default."""
    given = f'url = "https://a.example/l", selectors = {{ item = "li" }}, {options}'
    path = generic_job(tmp_path / "jobs", "html", given)
    (tmp_path / "newsbot.toml").write_text(config)
    done = newsbot(
        "jobs", "--jobs-dir", str(path.parent), "--config", str(tmp_path / "newsbot.toml")
    )
    assert done.returncode == 64 and "Traceback" not in done.stderr
    assert f"job g: html/s needs min_items {floor} but keeps at most max_items {cap}" in done.stderr


def test_pages_over_the_sources_cap_are_refused_naming_the_setting_that_raises_it(
    tmp_path: Path,
) -> None:
    given = 'url = "https://a.example/l?p={page}", selectors = { item = "li" }, pages = 8'
    path = generic_job(tmp_path / "jobs", "html", given)
    done = newsbot("jobs", "--jobs-dir", str(path.parent))
    assert done.returncode == 64 and "Traceback" not in done.stderr
    assert "asks for pages 8, over its cap max_pages 5; [sources.html] max_pages" in done.stderr
    (tmp_path / "newsbot.toml").write_text("[sources.html]\nmax_pages = 8\n")
    config = ("--config", str(tmp_path / "newsbot.toml"))
    assert newsbot("jobs", "--jobs-dir", str(path.parent), *config).returncode == 0
