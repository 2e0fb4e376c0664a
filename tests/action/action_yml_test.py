#!/usr/bin/env python3
"""Checks action.yml itself: inputs and outputs are consistent, the scripts it runs exist and are
executable, and every third-party action it uses is pinned to a full commit SHA.

Environment: REACHSCAN_SOURCE_DIR (the source tree; default: two folders up).
"""
import os
import pathlib
import re
import unittest

import yaml

SOURCE = pathlib.Path(os.environ.get("REACHSCAN_SOURCE_DIR", pathlib.Path(__file__).parents[2]))


def load(path: pathlib.Path):
    return yaml.safe_load(path.read_text())


def expressions(node):
    """Every ${{ ... }} expression in the strings of a YAML tree."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from expressions(key)
            yield from expressions(value)
    elif isinstance(node, list):
        for value in node:
            yield from expressions(value)
    elif isinstance(node, str):
        yield from re.findall(r"\$\{\{(.*?)\}\}", node, re.S)


class ActionYml(unittest.TestCase):
    def setUp(self):
        self.path = SOURCE / "action.yml"
        self.action = load(self.path)
        self.steps = self.action["runs"]["steps"]

    def test_required_top_level_fields(self):
        for key in ("name", "description", "inputs", "outputs", "runs"):
            self.assertIn(key, self.action)
        self.assertEqual(self.action["runs"]["using"], "composite")
        for name, spec in self.action["inputs"].items():
            self.assertTrue(spec.get("description"), f"input {name} has no description")

    def test_every_input_used_is_declared_and_every_declared_input_is_used(self):
        used = set()
        for expr in expressions(self.action["runs"]):
            used |= set(re.findall(r"inputs\.([A-Za-z0-9_-]+)", expr))
        declared = set(self.action["inputs"])
        self.assertEqual(used - declared, set(), "inputs used but not declared")
        self.assertEqual(declared - used, set(), "inputs declared but never used")
        self.assertEqual(declared, {"path", "config", "fail-on", "format", "sarif-file",
                                    "baseline", "extra-args", "version"})

    def test_inputs_reach_scripts_through_the_environment_only(self):
        # ${{ inputs.x }} spliced into a `run:` line is a script injection; env: is not.
        for step in self.steps:
            if "run" in step:
                self.assertNotIn("inputs.", step["run"], step.get("name"))

    def test_outputs_come_from_a_step_that_exists_and_writes_them(self):
        ids = {step.get("id") for step in self.steps}
        entry = (SOURCE / "action" / "entrypoint.sh").read_text()
        entry += (SOURCE / "action" / "report.py").read_text()
        self.assertEqual(set(self.action["outputs"]),
                         {"findings", "production-findings", "sarif-file", "exit-code"})
        for name, spec in self.action["outputs"].items():
            m = re.fullmatch(r"\$\{\{\s*steps\.([\w-]+)\.outputs\.([\w-]+)\s*\}\}", spec["value"])
            self.assertIsNotNone(m, f"output {name}: {spec['value']}")
            self.assertIn(m.group(1), ids, f"output {name} names a step that does not exist")
            self.assertIn(f"{m.group(2)}=", entry, f"nothing writes output {m.group(2)}")

    def test_every_step_output_read_is_from_an_earlier_step(self):
        seen = set()
        for step in self.steps:
            for expr in expressions(step):
                for ref in re.findall(r"steps\.([\w-]+)\.outputs", expr):
                    self.assertIn(ref, seen, f"step {step.get('name')} reads steps.{ref} too early")
            if "id" in step:
                seen.add(step["id"])

    def test_scripts_run_exist_and_are_executable(self):
        scripts = set()
        for step in self.steps:
            if "run" in step:
                self.assertEqual(step.get("shell"), "bash", step.get("name"))
                scripts |= set(re.findall(r"\$GITHUB_ACTION_PATH/([\w./-]+)", step["run"]))
        self.assertIn("action/entrypoint.sh", scripts)
        entry = (SOURCE / "action" / "entrypoint.sh").read_text()
        scripts |= set("action/" + s for s in re.findall(r'"\$here/([\w.-]+)"', entry))
        self.assertIn("action/report.py", scripts)
        for rel in scripts:
            path = SOURCE / rel
            self.assertTrue(path.is_file(), f"{rel} does not exist")
            self.assertTrue(os.access(path, os.X_OK), f"{rel} is not executable")

    def test_third_party_actions_are_pinned_by_commit_sha(self):
        uses = [step["uses"] for step in self.steps if "uses" in step]
        self.assertTrue(uses)
        for use in uses:
            if use.startswith("./"):
                continue
            self.assertRegex(use, r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$", f"{use} is not pinned")

    def test_build_cache_is_saved_before_the_scan_can_fail(self):
        # actions/cache's post-job save is skipped after a failed step, and the scan fails on
        # findings: the build must be saved by its own step, before the scan, under the key it
        # was restored with.
        uses = [step.get("uses", "").split("@")[0] for step in self.steps]
        self.assertNotIn("actions/cache", uses)
        restore = uses.index("actions/cache/restore")
        save = uses.index("actions/cache/save")
        scan = [step.get("id") for step in self.steps].index("scan")
        self.assertLess(restore, save)
        self.assertLess(save, scan)
        self.assertEqual(self.steps[restore]["with"], self.steps[save]["with"])

    def test_readme_workflows_pin_actions_by_sha(self):
        readme = (SOURCE / "README.md").read_text()
        uses = re.findall(r"uses:\s*(\S+)", readme)
        self.assertTrue(any(u.startswith("actions/checkout@") for u in uses))
        self.assertTrue(any(u.startswith("github/codeql-action/upload-sarif@") for u in uses))
        for use in uses:
            if use.startswith("reachscan/"):
                continue  # our own action, by release tag
            self.assertRegex(use, r"@[0-9a-f]{40}$", f"README: {use} is not pinned")

    def test_workflows_pin_third_party_actions_by_sha(self):
        # The release workflow (issue 17) and any other: every `uses:` by commit SHA.
        workflows = sorted((SOURCE / ".github" / "workflows").glob("*.yml"))
        self.assertTrue(workflows)
        for wf in workflows:
            doc = yaml.safe_load(wf.read_text())
            for job in doc["jobs"].values():
                for step in job.get("steps", []):
                    if "uses" in step:
                        self.assertRegex(step["uses"], r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$",
                                         f"{wf.name}: {step['uses']} is not pinned")


if __name__ == "__main__":
    unittest.main(verbosity=2)
