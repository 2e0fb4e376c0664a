#!/usr/bin/env python3
"""The GitHub Action's entry script (action/entrypoint.sh), run the way the runner runs it.

Each test builds a real "origin" repository in a temporary folder (a main branch whose history
holds an old key, and a PR branch that adds a live Stripe key under deploy/prod/ and a test key
under tests/), clones it the way actions/checkout does (full or --depth 1), and runs the entry
script with GITHUB_EVENT_NAME, GITHUB_EVENT_PATH (recorded payloads from payloads/, with their
commit ids pointed at the temporary repository), GITHUB_OUTPUT and GITHUB_STEP_SUMMARY in temp
files. It asserts the range scanned, the annotations, the outputs, the summary and the exit code,
and that no secret appears in clear anywhere the step writes.

Environment: REACHSCAN_BIN (the binary under test), REACHSCAN_SOURCE_DIR (the source tree).
"""
import json
import os
import pathlib
import subprocess
import tempfile
import unittest

SOURCE = pathlib.Path(os.environ.get("REACHSCAN_SOURCE_DIR", pathlib.Path(__file__).parents[2]))
BIN = os.environ.get("REACHSCAN_BIN", "reachscan")
ENTRYPOINT = SOURCE / "action" / "entrypoint.sh"
PAYLOADS = pathlib.Path(__file__).parent / "payloads"
ZEROS = "0" * 40


def fake_token(prefix: str, n: int, seed: int) -> str:
    """Well-formed but fake: the same xorshift as tests/support/temp_dir.h, built at run time."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    x = (seed * 2654435761 + 12345) & 0xFFFFFFFF
    out = prefix
    for _ in range(n):
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        out += alphabet[x % len(alphabet)]
    return out


LIVE = fake_token("sk_live_", 32, 7)   # added on the PR branch, production path
TEST = fake_token("sk_test_", 32, 8)   # added on the PR branch, under tests/
OLD = fake_token("sk_live_", 32, 9)    # in main's history before the PR: not in the PR's range
KEPT = fake_token("sk_live_", 32, 10)  # on main before the PR and still there: not in the range

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Dev One", "GIT_AUTHOR_EMAIL": "dev@corp.test",
    "GIT_COMMITTER_NAME": "Dev One", "GIT_COMMITTER_EMAIL": "dev@corp.test",
    "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
}


class EntryPoint(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="reachscan-action-")
        root = pathlib.Path(cls.tmp.name)
        cls.env = dict(os.environ, **GIT_ENV, XDG_CACHE_HOME=str(root / "cache"))
        cls.origin = root / "origin"
        cls.origin.mkdir()
        git = cls.git_in(cls.origin)
        git("init", "-q", "-b", "main")
        cls.write(cls.origin, "README.md", "payments service\n")
        git("add", "-A")
        git("commit", "-q", "-m", "init")
        # An old leak, removed again, deep in main's history: only full-history scans see it.
        cls.write(cls.origin, "old/settings.py", f'STRIPE_KEY = "{OLD}"\n')
        git("add", "-A")
        git("commit", "-q", "-m", "old settings")
        git("rm", "-q", "old/settings.py")
        git("commit", "-q", "-m", "remove old settings")
        # Still in the tree: a range scan that lost the PR's parent commits would report it.
        cls.write(cls.origin, "legacy/billing.env", f"STRIPE_KEY={KEPT}\n")
        git("add", "-A")
        git("commit", "-q", "-m", "legacy billing")
        # Enough commits on main that a depth-1 clone does not see where the PR branched off.
        for i in range(60):
            cls.write(cls.origin, "CHANGELOG.md", f"release {i}\n")
            git("add", "-A")
            git("commit", "-q", "-m", f"release {i}")
        cls.base = git("rev-parse", "HEAD")
        git("checkout", "-q", "-b", "feature/billing")
        cls.write(cls.origin, "deploy/prod/values.yaml",
                  f"stripe:\n  environment: production\n  secretKey: {LIVE}\n")
        git("add", "-A")
        git("commit", "-q", "-m", "Add production values")
        cls.write(cls.origin, "tests/fixtures/stripe_test.py", f'KEY = "{TEST}"\n')
        git("add", "-A")
        git("commit", "-q", "-m", "Add a test fixture")
        cls.head = git("rev-parse", "HEAD")
        git("checkout", "-q", "main")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @classmethod
    def git_in(cls, repo):
        def git(*args):
            return subprocess.run(["git", "-C", str(repo), *args], env=cls.env, check=True,
                                  capture_output=True, text=True).stdout.strip()
        return git

    @staticmethod
    def write(repo, rel, text):
        path = pathlib.Path(repo) / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    def setUp(self):
        self.work = tempfile.TemporaryDirectory(prefix="reachscan-run-", dir=self.tmp.name)
        self.dir = pathlib.Path(self.work.name)

    def tearDown(self):
        self.work.cleanup()

    def clone(self, *args):
        """A checkout as actions/checkout leaves it: `origin` is the remote, HEAD the tip."""
        dest = self.dir / "checkout"
        subprocess.run(["git", "clone", "-q", "--no-local", *args, f"file://{self.origin}",
                        str(dest)], env=self.env, check=True, capture_output=True)
        return dest

    def payload(self, name, **shas):
        data = json.loads((PAYLOADS / name).read_text())
        if "before" in shas:
            data["before"] = shas["before"]
        if "after" in shas:
            data["after"] = data["head_commit"]["id"] = shas["after"]
        if "base" in shas:
            data["pull_request"]["base"]["sha"] = shas["base"]
            data["pull_request"]["head"]["sha"] = shas["head"]
        path = self.dir / "event.json"
        path.write_text(json.dumps(data))
        return path

    def run_action(self, checkout, event, payload, workspace=None, **inputs):
        """Runs the entry script in the workspace (default: the checkout); returns (exit code,
        log, outputs, summary)."""
        workspace = workspace or checkout
        output, summary = self.dir / "github_output", self.dir / "step_summary"
        env = dict(self.env, REACHSCAN_BIN=BIN, GITHUB_EVENT_NAME=event,
                   GITHUB_EVENT_PATH=str(payload), GITHUB_OUTPUT=str(output),
                   GITHUB_STEP_SUMMARY=str(summary), GITHUB_WORKSPACE=str(workspace),
                   RUNNER_TEMP=str(self.dir))
        for key, value in inputs.items():
            env["INPUT_" + key.upper()] = value
        proc = subprocess.run([str(ENTRYPOINT)], cwd=workspace, env=env, capture_output=True,
                              text=True, timeout=120)
        log = proc.stdout + proc.stderr
        outputs = {}
        if output.exists():
            for line in output.read_text().splitlines():
                key, _, value = line.partition("=")
                outputs[key] = value
        text = summary.read_text() if summary.exists() else ""
        written = log + (output.read_text() if output.exists() else "") + text
        sarif = workspace / inputs.get("sarif_file", "reachscan.sarif")
        if sarif.exists():
            written += sarif.read_text()
        for secret in (LIVE, TEST, OLD, KEPT):
            self.assertNotIn(secret, written, "a secret in clear in the step's log or files")
        return proc.returncode, log, outputs, text

    def annotations(self, log, level):
        return [line for line in log.splitlines() if line.startswith(f"::{level} file=")]

    def test_pull_request_scans_base_to_head_with_annotations_outputs_and_summary(self):
        checkout = self.clone("--branch", "feature/billing")
        payload = self.payload("pull_request.json", base=self.base, head=self.head)
        rc, log, out, summary = self.run_action(checkout, "pull_request", payload)
        self.assertEqual(rc, 3, log)  # fail-on any, and one finding reaches production
        self.assertIn(f"scanning commits {self.base}..{self.head} (pull_request event)", log)
        errors, warnings = self.annotations(log, "error"), self.annotations(log, "warning")
        self.assertEqual(len(errors), 1, log)
        self.assertTrue(errors[0].startswith("::error file=deploy/prod/values.yaml,line=3,"), log)
        self.assertIn("title=reachscan stripe.secret_key.live (production)::", errors[0])
        self.assertIn("sk_l*****", errors[0])
        self.assertEqual(len(warnings), 1, log)
        self.assertTrue(warnings[0].startswith("::warning file=tests/fixtures/stripe_test.py,line=1,"))
        self.assertNotIn("old/settings.py", log, "the range holds only what the PR adds")
        self.assertNotIn("legacy/billing.env", log, "the range holds only what the PR adds")
        self.assertEqual(out, {"findings": "2", "production-findings": "1",
                               "sarif-file": "reachscan.sarif", "exit-code": "3"})
        sarif = json.loads((checkout / "reachscan.sarif").read_text())
        self.assertEqual(len(sarif["runs"][0]["results"]), 2)
        self.assertEqual(os.stat(checkout / "reachscan.sarif").st_mode & 0o777, 0o600)
        self.assertIn("| `stripe.secret_key.live` | 1 | 0 | 0 | 1 |", summary)
        self.assertIn("| **total** | 1 | ", summary)
        self.assertIn("findings that reach production", summary)
        self.assertIn(f"commits {self.base}..{self.head}", summary)
        self.assertIn("deploy/prod/values.yaml:3", log, "the short log format follows")

    def test_fail_on_production_passes_on_test_keys_only(self):
        checkout = self.clone("--branch", "feature/billing")
        # Only the second commit of the PR: the test fixture.
        git = self.git_in(checkout)
        first = git("rev-parse", "HEAD~1")
        payload = self.payload("push.json", before=first, after=self.head)
        rc, log, out, _ = self.run_action(checkout, "push", payload, fail_on="production")
        self.assertEqual(rc, 0, log)
        self.assertEqual(len(self.annotations(log, "warning")), 1, log)
        self.assertEqual(self.annotations(log, "error"), [])
        self.assertEqual(out["findings"], "1")
        self.assertEqual(out["production-findings"], "0")
        self.assertEqual(out["exit-code"], "0")
        rc, log, out, _ = self.run_action(checkout, "push", payload, fail_on="any")
        self.assertEqual(rc, 1, log)

    def test_shallow_pull_request_checkout_fetches_what_the_range_needs(self):
        checkout = self.clone("--depth", "1", "--branch", "feature/billing")
        git = self.git_in(checkout)
        self.assertEqual(git("rev-parse", "--is-shallow-repository"), "true")
        payload = self.payload("pull_request.json", base=self.base, head=self.head)
        rc, log, out, _ = self.run_action(checkout, "pull_request", payload)
        self.assertEqual(rc, 3, log)
        # Exactly what the PR adds: had the PR's first commit stayed cut off, its tip would look
        # like a root commit adding the whole tree, legacy/billing.env included.
        self.assertEqual(out["findings"], "2", log)
        self.assertNotIn("legacy/billing.env", log)
        self.assertEqual(len(self.annotations(log, "error")), 1)
        git("cat-file", "-e", self.base + "^{commit}")  # fetched

    def test_shallow_checkout_without_the_base_fails_and_says_what_to_set(self):
        checkout = self.clone("--depth", "1", "--branch", "feature/billing")
        self.git_in(checkout)("remote", "remove", "origin")
        payload = self.payload("pull_request.json", base=self.base, head=self.head)
        rc, log, out, summary = self.run_action(checkout, "pull_request", payload)
        self.assertEqual(rc, 2, log)
        self.assertIn("::error title=reachscan::", log)
        self.assertIn("fetch-depth: 0", log)
        self.assertIn("fetch-depth: 0", summary)
        self.assertEqual(out["exit-code"], "2")
        self.assertEqual(out["findings"], "")

    def test_push_scans_before_to_after(self):
        checkout = self.clone("--branch", "feature/billing")
        payload = self.payload("push.json", before=self.base, after=self.head)
        rc, log, out, _ = self.run_action(checkout, "push", payload)
        self.assertEqual(rc, 3, log)
        self.assertIn(f"scanning commits {self.base}..{self.head} (push event)", log)
        self.assertEqual(out["findings"], "2")

    def test_push_of_a_new_branch_scans_its_whole_history(self):
        checkout = self.clone("--depth", "1", "--branch", "feature/billing")
        payload = self.payload("push_new_branch.json", after=self.head)
        rc, log, out, summary = self.run_action(checkout, "push", payload)
        self.assertEqual(rc, 3, log)
        self.assertIn(f"full history of {self.head} (new branch)", log)
        # main's history too: the removed old key and the kept legacy one.
        self.assertEqual(out["findings"], "4", log)
        self.assertIn("old/settings.py", log)
        self.assertEqual(self.git_in(checkout)("rev-parse", "--is-shallow-repository"), "false")
        self.assertIn("| `stripe.secret_key.live` |", summary)

    def test_workflow_dispatch_scans_full_history_and_writes_sarif_where_asked(self):
        checkout = self.clone("--depth", "1")
        payload = self.payload("workflow_dispatch.json")
        rc, log, out, _ = self.run_action(checkout, "workflow_dispatch", payload,
                                          sarif_file="out/scan.sarif", format="none")
        self.assertEqual(rc, 3, log)  # the old key on main; origin/feature/billing once fetched
        self.assertIn("full history of every ref", log)
        self.assertEqual(out["sarif-file"], "out/scan.sarif")
        self.assertGreaterEqual(int(out["findings"]), 1)
        self.assertIn("old/settings.py", log)
        self.assertNotIn("reachscan: ", log.split("full history of every ref", 1)[1].replace(
            "reachscan: scanning", ""), "format none prints no log report")

    def test_checkout_in_a_subfolder_annotates_workspace_paths(self):
        checkout = self.clone("--branch", "feature/billing")
        payload = self.payload("pull_request.json", base=self.base, head=self.head)
        rc, log, out, _ = self.run_action(checkout, "pull_request", payload, workspace=self.dir,
                                          path="checkout")
        self.assertEqual(rc, 3, log)
        errors = self.annotations(log, "error")
        self.assertEqual(len(errors), 1, log)
        self.assertTrue(errors[0].startswith("::error file=checkout/deploy/prod/values.yaml,"))
        self.assertTrue((self.dir / "reachscan.sarif").is_file())

    def test_bad_inputs_are_errors(self):
        checkout = self.clone()
        payload = self.payload("workflow_dispatch.json")
        rc, log, out, _ = self.run_action(checkout, "workflow_dispatch", payload, fail_on="high")
        self.assertEqual(rc, 2)
        self.assertIn("fail-on must be", log)
        rc, log, _, _ = self.run_action(self.dir, "workflow_dispatch", payload)
        self.assertEqual(rc, 2)
        self.assertIn("not a git checkout", log)


if __name__ == "__main__":
    unittest.main(verbosity=2)
