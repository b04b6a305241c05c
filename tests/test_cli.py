"""The command line: stage listing, help pages, usage errors, configuration errors."""

from __future__ import annotations

import re
import typing
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from carbongap.cli import app

runner = CliRunner()


def _command_words(command: object, words: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """The words that name a click ``command`` and each of its subcommands (top level: ()).

    A group is told by its ``commands`` mapping (recent typer versions carry their own copy
    of click, so its classes are not always ``click``'s).
    """
    found = [words]
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        found += _command_words(sub, (*words, name))
    return found


def _path_parameters() -> list[tuple[tuple[str, ...], str, object]]:
    """(command words, option or argument name, its path check) of every Path parameter of
    every command; the check is the callback its annotation declares (None if none)."""
    found = []
    for words in _command_words(typer.main.get_command(app)):
        command = typer.main.get_command(app)
        for word in words:
            command = command.commands[word]
        if getattr(command, "commands", None) or command.callback is None:
            continue
        function = getattr(command.callback, "__wrapped__", command.callback)
        for name, hint in typing.get_type_hints(function, include_extras=True).items():
            if "Path" not in str(hint):
                continue
            flag = next(p.opts[0] for p in command.params if p.name == name)
            found.append((words, flag, hint.__metadata__[0].callback))
    return found


#: Arguments that make each command's line complete apart from the path under test.
_REQUIRED = {("dea",): ["--unit", "u", "--time", "t", "--inputs", "x", "--good", "y",
                        "--data", "{file}"],
             ("validate",): ["--data", "{file}"], ("synth",): ["--out", "{new}"],
             ("run",): ["validate"]}


def test_every_path_parameter_declares_its_check():
    from carbongap import cli

    checks = {cli.FILE_TO_READ, cli.FOLDER_TO_WRITE, cli.RUN_FOLDER}
    parameters = _path_parameters()
    assert len(parameters) >= 20
    assert [(w, f) for w, f, check in parameters if check not in checks] == []


@pytest.mark.parametrize(("words", "flag", "check"), _path_parameters(),
                         ids=[" ".join((*w, f)) for w, f, _ in _path_parameters()])
def test_every_command_refuses_a_bad_path_in_one_line(tmp_path, words, flag, check):
    from carbongap import cli

    file, folder = tmp_path / "a_file.csv", tmp_path / "a_folder"
    file.write_text("x\n")
    folder.mkdir()
    bad = {cli.FILE_TO_READ: [folder, tmp_path / "missing.csv"],
           cli.FOLDER_TO_WRITE: [file],
           cli.RUN_FOLDER: [file, tmp_path / "missing_run"]}[check]
    base = [a.format(file=file, new=tmp_path / "new") for a in _REQUIRED.get(words, [])]
    for value in bad:
        line = [*words, *base, *([flag, str(value)] if flag.startswith("-") else [str(value)])]
        result = runner.invoke(app, line, terminal_width=200)
        lines = result.stderr.strip().splitlines()
        assert result.exit_code == 2, (line, result.output)
        assert len(lines) == 1 and "Traceback" not in result.output, result.output
        name = flag if flag.startswith("-") else flag.upper()
        assert lines[0].startswith(f"error {name} {value} "), lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file.csv", "a_folder"]


@pytest.mark.parametrize("words", _command_words(typer.main.get_command(app)), ids=" ".join)
def test_every_command_has_a_help_page(words):
    result = runner.invoke(app, [*words, "--help"], terminal_width=120)
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


def test_stages_lists_every_stage_with_its_needs_and_sections():
    result = runner.invoke(app, ["stages"], terminal_width=200)
    assert result.exit_code == 0
    for name in ("validate", "accounting", "inequality", "productivity", "analysis_panel",
                 "regressions", "crossval", "exports", "exchange", "rds", "robustness",
                 "inference", "report"):
        assert name in result.output
    lines = result.output.splitlines()
    for line, name in ((lines[-3], "robustness"), (lines[-2], "inference")):
        assert line.startswith(name) and line.endswith(
            f"(in a full run only with [{name}] enabled = true)")
    assert len(lines) == 13 and lines[0].split()[:3] == ["validate", "needs", "-"]
    assert all("config [" in line for line in lines)


def test_unknown_stage_is_a_usage_error(tmp_path):
    result = runner.invoke(app, ["run", "everything", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "unknown stage 'everything'" in result.output


def test_bad_configuration_value_exits_2(tmp_path):
    result = runner.invoke(app, ["run", "validate", "--out", str(tmp_path),
                                 "--set", "productivity.frontier=weekly"])
    assert result.exit_code == 2
    assert "not one of: contemporaneous" in result.output


def test_bad_data_file_fails_the_stage_with_exit_1(tmp_path):
    bad = tmp_path / "panel.csv"
    bad.write_text("city_code,year,gdp\n130100,2006,-1\n", encoding="utf-8")
    result = runner.invoke(app, ["run", "validate", "--data", str(bad), "--out",
                                 str(tmp_path / "out"), "--quiet"])
    assert result.exit_code == 1
    assert "stage validate" in result.output and "negative" in result.output
    assert "rows 2" in result.output


def test_bench_dea_reports_the_measurements():
    result = runner.invoke(app, ["bench", "dea", "--units", "15", "--jobs", "1", "--repeats",
                                 "1", "--naive-sample", "20", "--quiet"])
    assert result.exit_code == 0, result.output
    assert "15 units x 2006-2016" in result.output
    assert "LPs/s" in result.output and "peak memory" in result.output
    assert "naive" in result.output.lower() and "x faster" in result.output


def test_section_names_in_brackets_survive_in_messages(tmp_path):
    result = runner.invoke(app, ["run", "validate", "--out", str(tmp_path),
                                 "--set", "accounting.delta=2"])
    assert result.exit_code == 2
    assert "[accounting] delta must be in [0, 1)" in result.output


def test_version():
    from carbongap import __version__

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"carbongap {__version__}"


def test_failed_run_says_why_in_report_and_records_its_input(tmp_path):
    import hashlib
    import json

    bad = tmp_path / "panel.csv"
    bad.write_text("city_code,year,gdp\n130100,2006,-1\n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["replicate", "--data", str(bad), "--out", str(out), "--quiet"],
                           terminal_width=400)
    assert result.exit_code == 1
    # A failed run leaves --out alone and keeps its own files in OUT.failed.
    assert not out.exists()
    assert (f"the run failed: the outputs in {out} are untouched; this run's log and partial "
            f"outputs are in {out}.failed") in result.stderr
    out = tmp_path / "out.failed"
    report = (out / "REPORT.md").read_text(encoding="utf-8")
    failed = next(line for line in report.splitlines() if line.startswith("| validate |"))
    assert "| failed |" in failed and "negative" in failed and "rows 2" in failed
    assert "| accounting | skipped | needs stage 'validate' (failed) |" in report
    digest = hashlib.sha256(bad.read_bytes()).hexdigest()
    assert f"| data.panel | panel.csv | {bad.stat().st_size} | {digest} |" in report
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["inputs"]["data.panel"] == {"path": str(bad), "bytes": bad.stat().st_size,
                                                "sha256": digest}  # outside the cwd: as given
    assert manifest["config_source"]["overrides"] == [f"--data {bad}", "--quiet"]


def test_manifest_names_the_configuration_file_and_overrides(tmp_path):
    import hashlib
    import json

    toml = tmp_path / "mine.toml"
    toml.write_text("[inequality]\nbootstrap_draws = 19\n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", "report", "--config", str(toml), "--set",
                                 "accounting.delta=0.06", "--jobs", "2", "--out", str(out),
                                 "--quiet"])
    assert result.exit_code == 0, result.output
    source = json.loads((out / "manifest.json").read_text())["config_source"]
    assert source == {"file": str(toml), "sha256": hashlib.sha256(toml.read_bytes()).hexdigest(),
                      "overrides": ["--set accounting.delta=0.06", "--jobs 2", "--quiet"]}


def test_progress_bar_prints_nothing_without_a_terminal(capfd):
    from carbongap.progress import rich_progress

    with rich_progress(10, "SBI LPs") as tracker:
        tracker.advance(10)
    captured = capfd.readouterr()
    assert captured.out == "" and captured.err == ""


def test_progress_bar_on_a_terminal_shows_units_per_second():
    import io

    from rich.console import Console

    from carbongap.progress import rate_text, rich_progress

    assert rate_text(None) == "?/s"
    assert rate_text(2.5) == "2.5/s" and rate_text(1234.4) == "1,234/s"
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=120)
    with rich_progress(4, "inference replications", console=console) as tracker:
        for _ in range(4):
            tracker.advance(1)
    shown = screen.getvalue()
    assert "inference replications" in shown and "4/4" in shown
    assert re.search(r"(\?|[0-9.,]+)/s", shown)


def test_missing_panel_is_not_reported_as_synthetic(tmp_path):
    out = tmp_path / "out"
    # Through the configuration: --data naming a missing file is refused before any run.
    result = runner.invoke(app, ["replicate", "--set", f'data.panel="{tmp_path / "nope.csv"}"',
                                 "--out", str(out), "--quiet"])
    assert result.exit_code == 1
    report = (tmp_path / "out.failed/REPORT.md").read_text(encoding="utf-8")
    assert "configured panel nope.csv was not found or could not be read" in report
    assert "generated by carbongap" not in report and "The data are synthetic" not in report


def test_require_r_is_recorded_and_never_starts_r_when_no_stage_needs_it(tmp_path):
    import json

    result = runner.invoke(app, ["run", "validate", "--out", str(tmp_path), "--quiet",
                                 "--require-r", "--set", "data.synthetic_cities=5"])
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["run"]["require_r"] is True
    assert "--require-r" in manifest["config_source"]["overrides"]
    assert manifest["r"] == "not used by the stages of this run"


def _yuan_panel(tmp_path):
    """A panel whose GDP column is in yuan instead of 10^4 yuan (a unit warning)."""
    from panel_factory import raw_panel, raw_provinces

    frame = raw_panel()
    frame["gdp"] = frame["gdp"] * 1e4
    panel, provinces = tmp_path / "panel.csv", tmp_path / "provinces.csv"
    frame.to_csv(panel, index=False)
    raw_provinces().to_csv(provinces, index=False)
    return ["--data", str(panel), "--provinces", str(provinces),
            "--set", "validate.years=[2006, 2008]"]


def test_warnings_reach_the_terminal_and_paths_go_to_stdout(tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", "validate", *_yuan_panel(tmp_path), "--out", str(out)],
                           terminal_width=100)
    assert result.exit_code == 0, result.output
    assert "1 warning(s)" in result.stderr
    assert "column 'gdp'" in result.stderr and "check the unit" in result.stderr
    assert "--strict makes them errors" in result.stderr
    # Results (paths) on stdout, nothing else; the stage table and warnings on stderr.
    assert result.stdout.split() == [str(out / "manifest.json"), str(out / "carbongap.log")]


def test_validate_prints_each_warning_once(tmp_path):
    # A process of its own: pytest's log capture would hide a second copy sent through the
    # logger.
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "carbongap", "validate",
                             *_yuan_panel(tmp_path)], capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert " ".join(result.stderr.split()).count("column 'gdp' has median") == 1


def test_strict_turns_a_warning_into_a_failed_stage(tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", "accounting", *_yuan_panel(tmp_path), "--out",
                                 str(out), "--strict"], terminal_width=100)
    assert result.exit_code == 1
    assert "error stage validate: 1 warning(s) with --strict" in result.stderr
    assert "column 'gdp'" in result.stderr and "divide by 10,000" in result.stderr
    # The stage skipped because validate failed is not counted as a warning.
    assert "warning(s) (all in" not in result.stderr
    assert "accounting: skipped" not in result.stderr
    manifest = (tmp_path / "out.failed/manifest.json").read_text(encoding="utf-8")
    assert '"status": "failed"' in manifest and '"status": "skipped"' in manifest


def test_boolean_options_read_as_flag_pairs():
    result = runner.invoke(app, ["bench", "qreg", "--help"], terminal_width=100)
    assert "--r / --no-r" in result.output and "<bool>" not in result.output
    result = runner.invoke(app, ["replicate", "--help"], terminal_width=100)
    assert "--strict" in result.output and "<bool>" not in result.output


def test_manifests_are_portable(tmp_path, monkeypatch):
    # The same run from two folders: the manifests hold no absolute path and are equal
    # apart from the timings.
    import json

    manifests = []
    for name in ("one", "two"):
        home = tmp_path / name
        home.mkdir()
        (home / "panel.csv").write_text(
            "city_code,year,gdp,co2\n130100,2006,1000000,5000000\n130100,2007,1100000,"
            "5100000\n", encoding="utf-8")
        monkeypatch.chdir(home)
        result = runner.invoke(app, ["run", "validate", "--data", "panel.csv", "--out", "out",
                                     "--quiet", "--set", "validate.years=[2006, 2007]"])
        assert result.exit_code == 0, result.output
        text = (home / "out/manifest.json").read_text(encoding="utf-8")
        assert str(tmp_path) not in text
        manifest = json.loads(text)
        for stage in manifest["stages"]:
            stage.pop("seconds")
        manifests.append(manifest)
    assert manifests[0]["inputs"]["data.panel"]["path"] == "panel.csv"
    assert manifests[0] == manifests[1]


def test_portable_path_names_built_in_cwd_and_other_files(tmp_path, monkeypatch):
    from carbongap.pipeline.provenance import PACKAGE_DIR, portable_path

    assert portable_path(PACKAGE_DIR / "data" / "fuels.csv") == "carbongap/data/fuels.csv"
    monkeypatch.chdir(tmp_path)
    assert portable_path(tmp_path / "sub" / "a.csv") == "sub/a.csv"
    assert portable_path(Path("a.csv")) == "a.csv"
    elsewhere = tmp_path.parent / "elsewhere.csv"
    assert portable_path(elsewhere) == str(elsewhere)


@pytest.mark.parametrize(("words", "expected"), [
    (["inference", "--reps", "7", "--seed", "3"],
     {"inference": {"enabled": True, "reps": 7, "seed": 3}}),
    (["inference"], {"inference": {"enabled": True, "reps": 999, "seed": 20240301}}),
    (["robustness", "--design", "factorial"],
     {"robustness": {"enabled": True, "design": "factorial", "grid": ""}}),
])
def test_the_off_by_default_stages_commands_switch_them_on_with_their_options(
        monkeypatch, tmp_path, words, expected):
    import carbongap.cli as cli

    seen = {}

    def execute(targets, configured, out, no_cache, quiet):
        seen["config"], seen["targets"] = configured[0], targets
        return 0

    monkeypatch.setattr(cli, "_execute", execute)
    result = runner.invoke(app, [*words, "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert seen["targets"] is None  # a full run
    for section, values in expected.items():
        for key, value in values.items():
            assert getattr(getattr(seen["config"], section), key) == value
