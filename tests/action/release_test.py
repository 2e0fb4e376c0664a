#!/usr/bin/env python3
"""The GitHub Action's released binary (action/release.sh), offline.

A release is laid out the way the release workflow publishes it (scripts/release-bundle.sh on the
binary under test, then SHA256SUMS over the assets) and served from 127.0.0.1 (and as file://).
The fetch must install a binary that scans, refuse a checksum that differs or is missing without
leaving anything runnable behind, and ask for a source build (exit 3) when the release or asset
does not exist or its binary does not run. `plan` picks the version from the input or the
action's own tag.

Environment: REACHSCAN_BIN (the binary under test), REACHSCAN_SOURCE_DIR (the source tree).
"""
import functools
import hashlib
import http.server
import os
import pathlib
import re
import subprocess
import tarfile
import tempfile
import threading
import unittest

SOURCE = pathlib.Path(os.environ.get("REACHSCAN_SOURCE_DIR", pathlib.Path(__file__).parents[2]))
BIN = os.environ.get("REACHSCAN_BIN", "reachscan")
RELEASE = SOURCE / "action" / "release.sh"
VERSION = "9.8.7"


def arch():
    machine = os.uname().machine
    return {"x86_64": "amd64", "aarch64": "arm64"}.get(machine, machine)


def sha256(path):
    return hashlib.sha256(pathlib.Path(path).read_bytes()).hexdigest()


class Release(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.root = pathlib.Path(cls.tmp.name)
        cls.serve = cls.root / "srv"
        cls.asset = f"reachscan-{VERSION}-linux-{arch()}.tar.gz"
        out = subprocess.run([str(SOURCE / "scripts" / "release-bundle.sh"), BIN, VERSION,
                              str(cls.serve / f"v{VERSION}")],
                             capture_output=True, text=True, check=True)
        assert out.stdout.strip().endswith(cls.asset), out.stdout
        cls.write_sums(f"v{VERSION}", {cls.asset: sha256(cls.serve / f"v{VERSION}" / cls.asset)})
        class Quiet(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

        handler = functools.partial(Quiet, directory=str(cls.serve))
        cls.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()
        cls.url = f"http://127.0.0.1:{cls.server.server_address[1]}"

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.tmp.cleanup()

    @classmethod
    def write_sums(cls, tag, sums):
        (cls.serve / tag).mkdir(parents=True, exist_ok=True)
        (cls.serve / tag / "SHA256SUMS").write_text(
            "".join(f"{h}  {name}\n" for name, h in sums.items()))

    def fetch(self, version, url=None, prefix=None):
        prefix = prefix or tempfile.mkdtemp(dir=self.root)
        env = dict(os.environ, REACHSCAN_RELEASE_URL=url or self.url)
        out = subprocess.run(["bash", str(RELEASE), "fetch", version, prefix], env=env,
                             capture_output=True, text=True)
        return out.returncode, out.stdout + out.stderr, pathlib.Path(prefix)

    def test_good_release_is_installed_and_scans(self):
        rc, log, prefix = self.fetch(VERSION)
        self.assertEqual(rc, 0, log)
        self.assertIn("SHA-256", log)
        key = "AKIA" + hashlib.sha256(b"release-test").hexdigest().upper().translate(
            str.maketrans("0189", "WXYZ"))[:16]
        scan = subprocess.run([str(prefix / "bin" / "reachscan"), "stdin", "--label", "a.ini"],
                              input=f"aws_access_key_id = {key}\n", capture_output=True, text=True)
        self.assertEqual(scan.returncode, 1, scan.stdout + scan.stderr)
        self.assertIn("a.ini", scan.stdout)
        self.assertNotIn(key, scan.stdout + scan.stderr)

    def small_release(self, tag, script, sums=None):
        """A release under `tag` whose asset holds `script` as reachscan; SHA256SUMS from `sums`
        (asset name -> hash), or the asset's true hash."""
        stage = self.root / tag
        (stage / "lib").mkdir(parents=True, exist_ok=True)
        (stage / "reachscan").write_text(script)
        (stage / "reachscan").chmod(0o755)
        name = self.asset.replace(VERSION, tag[1:])
        (self.serve / tag).mkdir(parents=True, exist_ok=True)
        with tarfile.open(self.serve / tag / name, "w:gz") as t:
            t.add(stage / "reachscan", "reachscan")
            t.add(stage / "lib", "lib")
        self.write_sums(tag, sums or {name: sha256(self.serve / tag / name)})
        return name

    def test_file_urls_work(self):
        self.small_release("v9.7.0", "#!/bin/sh\necho reachscan 9.7.0\n")
        rc, log, prefix = self.fetch("9.7.0", url=self.serve.as_uri())
        self.assertEqual(rc, 0, log)
        self.assertEqual(subprocess.run([str(prefix / "bin" / "reachscan")], capture_output=True,
                                        text=True).stdout, "reachscan 9.7.0\n")

    def tampered(self, tag, sums):
        self.small_release(tag, "#!/bin/sh\necho tampered\n", sums)

    def test_checksum_that_differs_is_refused_and_nothing_is_installed(self):
        self.tampered("v9.8.8", {self.asset.replace(VERSION, "9.8.8"): "0" * 64})
        rc, log, prefix = self.fetch("9.8.8")
        self.assertEqual(rc, 1, log)
        self.assertIn("refused", log)
        self.assertFalse((prefix / "bin" / "reachscan").exists())
        self.assertFalse((prefix / "release").exists())

    def test_checksum_file_without_the_asset_is_refused(self):
        self.tampered("v9.8.9", {"something-else.tar.gz": "1" * 64})
        rc, log, prefix = self.fetch("9.8.9")
        self.assertEqual(rc, 1, log)
        self.assertIn("lists no", log)
        self.assertFalse((prefix / "bin" / "reachscan").exists())

    def test_missing_release_asks_for_a_source_build(self):
        rc, log, prefix = self.fetch("1.0.0")
        self.assertEqual(rc, 3, log)
        self.assertIn("building from source", log)
        self.assertFalse((prefix / "bin" / "reachscan").exists())

    def test_binary_that_does_not_run_asks_for_a_source_build(self):
        self.small_release("v9.9.0", "#!/bin/sh\necho 'cannot open shared object' >&2\nexit 127\n")
        rc, log, prefix = self.fetch("9.9.0")
        self.assertEqual(rc, 3, log)
        self.assertIn("does not run", log)
        self.assertFalse((prefix / "bin" / "reachscan").exists())


class Plan(unittest.TestCase):
    def plan(self, **env):
        base = {k: v for k, v in os.environ.items()
                if k not in ("INPUT_VERSION", "ACTION_REF", "GITHUB_ACTION_REF",
                             "GITHUB_ACTION_PATH")}
        out = subprocess.run(["bash", str(RELEASE), "plan"], env=dict(base, **env),
                             capture_output=True, text=True)
        fields = dict(line.split("=", 1) for line in out.stdout.splitlines() if "=" in line)
        return out.returncode, fields

    def source_version(self):
        text = (SOURCE / "CMakeLists.txt").read_text()
        return re.search(r"project\(reachscan VERSION ([0-9.]+)", text).group(1)

    def test_version_input_wins(self):
        rc, f = self.plan(INPUT_VERSION="v1.2.3", ACTION_REF="main")
        self.assertEqual((rc, f["version"]), (0, "1.2.3"))
        self.assertEqual(f["asset"], f"reachscan-1.2.3-linux-{arch()}.tar.gz")

    def test_release_tags_use_the_action_source_version(self):
        v = self.source_version()
        major = v.split(".")[0]
        for ref in (f"v{major}", f"v{v}"):
            rc, f = self.plan(ACTION_REF=ref)
            self.assertEqual((rc, f["version"]), (0, v), ref)
        # Without GitHub's ref, the folder the runner checked the action out to names it.
        rc, f = self.plan(GITHUB_ACTION_PATH=f"/runner/_actions/reachscan/reachscan/v{major}")
        self.assertEqual(f["version"], v)

    def test_branches_commits_and_mismatched_tags_build_from_source(self):
        for ref in ("main", "0123456789abcdef0123456789abcdef01234567", "v0.0.0-rc1", "v99.0.0"):
            rc, f = self.plan(ACTION_REF=ref)
            self.assertEqual((rc, f["version"], f["asset"]), (0, "", ""), ref)

    def test_malformed_version_input_is_an_error(self):
        rc, _ = self.plan(INPUT_VERSION="latest")
        self.assertEqual(rc, 2)


class Workflow(unittest.TestCase):
    def test_release_workflow_publishes_what_the_action_downloads(self):
        wf = (SOURCE / ".github" / "workflows" / "release.yml").read_text()
        bundle = (SOURCE / "scripts" / "release-bundle.sh").read_text()
        release = RELEASE.read_text()
        self.assertIn("scripts/release-bundle.sh", wf)
        self.assertIn("sha256sum -- * > SHA256SUMS", wf)
        self.assertIn('name="reachscan-$version-linux-$arch.tar.gz"', bundle)
        self.assertIn('echo "reachscan-$1-linux-$(arch).tar.gz"', release)
        self.assertIn('"$url/SHA256SUMS"', release)


if __name__ == "__main__":
    unittest.main(verbosity=2)
