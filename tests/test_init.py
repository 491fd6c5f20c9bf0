"""`hfdaily init`: the scheduled GitHub Actions workflow, validated against GitHub's workflow schema (offline)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from hfdaily.cli import cli
from hfdaily.deliver.workflow import render_workflow

REPO = Path(__file__).resolve().parents[1]


def validate(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
                           str(path)], capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def workflow(tmp_path_factory) -> tuple[Path, dict]:
    repo = tmp_path_factory.mktemp("repo")
    result = CliRunner().invoke(cli, ["init", "--repo", str(repo)])
    assert result.exit_code == 0, result.output
    path = repo / ".github" / "workflows" / "hfdaily.yml"
    return path, yaml.safe_load(path.read_text())


def test_the_workflow_is_valid_for_github(workflow):
    path, _ = workflow
    check = validate(path)
    assert check.returncode == 0, check.stdout + check.stderr


def test_the_schema_check_catches_a_broken_workflow(tmp_path, workflow):
    path, _ = workflow
    broken = tmp_path / "broken.yml"
    broken.write_text(path.read_text().replace("runs-on: ubuntu-latest", "runs_on: ubuntu-latest", 1))
    assert validate(broken).returncode != 0


def test_what_the_workflow_does(workflow):
    path, flow = workflow
    on = flow[True] if True in flow else flow["on"]  # YAML 1.1 reads the key `on` as true
    # 10:30 and 16:30 in Beijing; the weekly edition Monday 11:00, the monthly one the 1st at 11:00
    assert [c["cron"] for c in on["schedule"]] == ["30 2 * * 1-5", "30 8 * * 1-5", "0 3 * * 1", "0 3 1 * *"]
    assert on["workflow_dispatch"]["inputs"]["date"]["type"] == "string"
    steps = flow["jobs"]["run"]["steps"]
    text = path.read_text()
    python = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python"))
    assert python["with"]["cache"] == "pip"
    assert "fonts-wqy-microhei espeak-ng" in text
    run = next(s for s in steps if s.get("id") == "run")
    assert "hfdaily run" in run["run"] and "--strict" in run["run"]
    job_env = flow["jobs"]["run"]["env"]  # both hfdaily steps (doctor, run) see the settings
    for secret in ("DEEPSEEK_API_KEY", "HFDAILY_LLM_API_KEY", "HFDAILY_NOTIFY"):
        assert job_env[secret] == "${{ secrets.%s }}" % secret
    doctor = steps.index(next(s for s in steps if "hfdaily doctor" in s.get("run", "")))
    assert doctor < steps.index(run)  # the setup is checked first: a retired model fails in seconds
    commit = next(s for s in steps if s.get("id") == "commit")
    assert 'git reset -q -- "$OUT/hfdaily.db*"' in commit["run"]  # never the database
    assert "git diff --cached --quiet" in commit["run"] and "changed=false" in commit["run"]  # no papers: no commit
    red = steps[-1]
    assert red["if"] == "steps.run.outputs.code != '0'" and "exit 1" in red["run"]
    assert any(s.get("uses", "").startswith("actions/upload-pages-artifact") and s["with"]["path"] == "${{ env.OUT }}/site"
               for s in steps)
    deploy = flow["jobs"]["deploy"]
    assert deploy["needs"] == "run" and deploy["steps"][0]["uses"].startswith("actions/deploy-pages")
    assert flow["permissions"] == {"contents": "write", "pages": "write", "id-token": "write"}


def test_an_existing_workflow_is_kept_unless_forced(tmp_path):
    path = tmp_path / ".github" / "workflows" / "hfdaily.yml"
    path.parent.mkdir(parents=True)
    path.write_text("# my own edits\n")
    result = CliRunner().invoke(cli, ["init", "--repo", str(tmp_path)])
    assert result.exit_code == 2 and "--force" in result.output
    assert path.read_text() == "# my own edits\n"
    result = CliRunner().invoke(cli, ["init", "--repo", str(tmp_path), "--force", "--morning", "0 1 * * *"])
    assert result.exit_code == 0 and '- cron: "0 1 * * *"  # the daily run, in UTC (09:00 in Beijing)' in path.read_text()


@pytest.mark.parametrize("args, message", [
    (["--morning", "30 2 * *"], "is not a cron schedule"),
    (["--late", "every day"], "is not a cron schedule"),
    (["--python", "three"], "Python version"),
    (["--repo", "/nonexistent/folder"], "is not a folder"),
])
def test_bad_init_options_exit_2(args, message):
    result = CliRunner().invoke(cli, ["init", *args])
    assert result.exit_code == 2 and message in result.output


def test_the_repository_ships_the_workflow_init_writes():
    """Forks get the schedule as it is: the committed workflow is exactly what `hfdaily init` writes."""
    assert (REPO / ".github" / "workflows" / "hfdaily.yml").read_text() == render_workflow()


@pytest.mark.parametrize(("schedule", "edition", "called"), [
    ("0 3 * * 1", "", "weekly --out hfdaily-out"),
    ("0 3 1 * *", "", "monthly --out hfdaily-out"),
    ("30 2 * * 1-5", "", "run --out hfdaily-out --quiet"),
    ("", "weekly", "weekly --out hfdaily-out"),  # by hand: Run workflow → edition: weekly
    ("", "day", "run --out hfdaily-out --quiet"),
])
def test_the_weekly_and_monthly_schedules_make_an_edition(workflow, tmp_path, schedule, edition, called):
    """The run step's own script, run by bash with a stand-in hfdaily that records how it was called."""
    path, flow = workflow
    run = next(s for s in flow["jobs"]["run"]["steps"] if s.get("id") == "run")
    fake = tmp_path / "bin" / "hfdaily"
    fake.parent.mkdir()
    fake.write_text('#!/bin/sh\n[ "$2" = --help ] && exit 0\necho "$@" >> "$CALLS"\n')
    fake.chmod(0o755)
    env = {"PATH": f"{fake.parent}:/usr/bin:/bin", "CALLS": str(tmp_path / "calls"), "OUT": "hfdaily-out",
           "GITHUB_OUTPUT": str(tmp_path / "output"), "SCHEDULE": schedule, "EDITION": edition, "DATE": ""}
    subprocess.run(["bash", "-c", run["run"]], env=env, check=True, timeout=30)
    assert (tmp_path / "calls").read_text().strip() == called
    assert (tmp_path / "output").read_text() == "code=0\n"
