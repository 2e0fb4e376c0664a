// Container images (issue 13): docker save and OCI layouts assembled by make_image.py; reach
// from an image's names, its config's Env and the deployment model of a repository.
#include "sources/image.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "reach/classify.h"
#include "reach/deployment.h"
#include "tests/support/temp_dir.h"

namespace reachscan {
namespace {

namespace fs = std::filesystem;
using testing::fake_token;
using testing::TempDir;

std::shared_ptr<const patterns::RuleDatabase> demo_db() {
  patterns::DatabaseOptions o;
  o.use_cache = false;
  auto set = patterns::parse_rules(R"yaml(
- id: demo.token
  name: Demo token
  pattern: '\b(dmo_[A-Za-z0-9]{20})\b'
  min_entropy: 3.0
)yaml",
                                   "demo.yaml");
  return patterns::RuleDatabase::build(set.rules, o).database;
}

std::string all_evidence(const Finding& f) {
  std::string all;
  if (f.reach)
    for (const Evidence& e : f.reach->evidence) all += e.signal + ": " + e.detail + "\n";
  return all;
}

std::string capture(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  ::pclose(p);
  return out;
}

struct Built {
  std::string path;
  std::vector<std::string> digests;  // layer 1, layer 2
};

class Image : public ::testing::Test {
 protected:
  Built build(const std::string& kind) {
    const std::string out = dir_.str() + "/" +
                            (kind == "docker" ? "docker.tar"
                             : kind == "oci"  ? "oci"
                                              : "oci.tar");
    const std::string text =
        capture("python3 '" REACHSCAN_SOURCE_DIR "/tests/sources/make_image.py' '" + out + "' " +
                kind + " " + file_ + " " + deleted_ + " " + env_ + " " + run_);
    Built b{out, {}};
    std::stringstream lines(text);
    for (std::string l; std::getline(lines, l);) b.digests.push_back(l);
    EXPECT_EQ(b.digests.size(), 2u) << text;
    return b;
  }

  FileOutcome scan(const std::string& path) {
    static const Detector detector(demo_db());
    FileOutcome out;
    const Status s = scan_image(path, detector, {}, out);
    EXPECT_TRUE(s.ok()) << s.message();
    return out;
  }

  static const Finding* with_secret(const FileOutcome& o, const std::string& secret) {
    for (const Finding& f : o.findings)
      if (f.secret == secret) return &f;
    return nullptr;
  }

  static std::string evidence(const Finding& f) { return all_evidence(f); }

  static bool flagged(const Finding& f) {
    return f.reach &&
           std::count(f.reach->flags.begin(), f.reach->flags.end(), "not_in_final_filesystem") > 0;
  }

  // The four bars of the issue, for any layout.
  void check_all_four(const FileOutcome& o, const std::string& image, const Built& b) {
    const Finding* file = with_secret(o, file_);
    ASSERT_NE(file, nullptr);
    EXPECT_EQ(file->path, image + "!" + b.digests[0].substr(0, 19) + "!app/config.yml");
    EXPECT_EQ(file->line, 3u);
    EXPECT_NE(evidence(*file).find("layer 1 of 2 (" + b.digests[0] + ")"), std::string::npos)
        << evidence(*file);
    EXPECT_NE(evidence(*file).find("created by history entry 1: COPY app /app"), std::string::npos)
        << evidence(*file);
    EXPECT_FALSE(flagged(*file));

    const Finding* deleted = with_secret(o, deleted_);
    ASSERT_NE(deleted, nullptr);
    EXPECT_EQ(deleted->path, image + "!" + b.digests[0].substr(0, 19) + "!secret.txt");
    EXPECT_TRUE(flagged(*deleted));
    EXPECT_NE(evidence(*deleted).find("deleted by a whiteout in layer 2 (" + b.digests[1] + ")"),
              std::string::npos)
        << evidence(*deleted);

    const Finding* env = with_secret(o, env_);
    ASSERT_NE(env, nullptr);
    EXPECT_EQ(env->path, image + "!config");
    EXPECT_EQ(env->match, "ENV API_TOKEN=" + env_);

    const Finding* run = with_secret(o, run_);
    ASSERT_NE(run, nullptr);
    EXPECT_EQ(run->path, image + "!history");
    EXPECT_EQ(run->line, 3u);
    EXPECT_NE(evidence(*run).find("made layer 2 (" + b.digests[1] + ")"), std::string::npos)
        << evidence(*run);
    // Evidence never quotes a RUN line: it may hold secrets and evidence is not masked.
    for (const Finding& f : o.findings) EXPECT_EQ(evidence(f).find(run_), std::string::npos);
  }

  TempDir dir_;
  const std::string file_ = fake_token("dmo_", 20, 21), deleted_ = fake_token("dmo_", 20, 22),
                    env_ = fake_token("dmo_", 20, 23), run_ = fake_token("dmo_", 20, 24);
};

TEST_F(Image, DockerSaveTarballAllFourFoundSharedLayerScannedOnce) {
  const Built b = build("docker");
  const FileOutcome o = scan(b.path);
  check_all_four(o, "shop/api:1.4", b);
  // Two images share both layers: their findings are reported once, under the first image.
  EXPECT_EQ(std::count_if(o.findings.begin(), o.findings.end(),
                          [&](const Finding& f) { return f.secret == file_; }),
            1);
  EXPECT_NE(evidence(*with_secret(o, file_)).find("the same layer is in image shop/worker:1.4"),
            std::string::npos);
  EXPECT_TRUE(o.member_skips.empty());
}

TEST_F(Image, OciLayoutFolderAndTar) {
  for (const char* kind : {"oci", "oci-tar"}) {
    SCOPED_TRACE(kind);
    const Built b = build(kind);
    const FileOutcome o = scan(b.path);
    check_all_four(o, "registry.example.com/shop/api:prod", b);
    EXPECT_EQ(o.findings.size(), 4u);
  }
}

TEST_F(Image, NotAnImageIsAnError) {
  static const Detector detector(demo_db());
  FileOutcome out;
  dir_.write("plain/readme.txt", "hello\n");
  Status s = scan_image(dir_.str() + "/plain", detector, {}, out);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("not a container image"), std::string::npos) << s.message();
  s = scan_image(dir_.str() + "/missing.tar", detector, {}, out);
  EXPECT_FALSE(s.ok());
}

// A hostile OCI layout folder names files outside itself (absolute paths, `..`, a symlink out of
// the folder) and a FIFO: none is read (the secret outside is never reported) and none blocks.
TEST_F(Image, FolderLayoutNeverReadsOutsideItself) {
  static const Detector detector(demo_db());
  const std::string outside = dir_.write("outside/credentials", "token = " + file_ + "\n");
  dir_.write("img/blobs/sha256/cfg", R"({"config":{"Env":["A=1"]}})");
  ASSERT_EQ(::symlink(outside.c_str(), (dir_.str() + "/img/blobs/sha256/link").c_str()), 0);
  ASSERT_EQ(::mkfifo((dir_.str() + "/img/blobs/sha256/fifo").c_str(), 0600), 0);
  for (const std::string& layer :
       {outside, std::string("../outside/credentials"), std::string("blobs/sha256/link"),
        std::string("blobs/sha256/fifo")}) {
    SCOPED_TRACE(layer);
    dir_.write(
        "img/manifest.json",
        nlohmann::json::array(
            {{{"Config", "blobs/sha256/cfg"}, {"RepoTags", {"evil:1"}}, {"Layers", {layer}}}})
            .dump());
    FileOutcome out;
    const Status s = scan_image(dir_.str() + "/img", detector, {}, out);
    EXPECT_TRUE(s.ok()) << s.message();
    EXPECT_EQ(with_secret(out, file_), nullptr) << "read a file outside the image folder";
    // Not a skip: an image with a layer that cannot be read is an error, never clean.
    ASSERT_EQ(out.errors.size(), 1u);
    EXPECT_NE(out.errors[0].find("missing"), std::string::npos);
  }
  // A config outside the folder is as absent as a missing one.
  dir_.write("img/manifest.json",
             nlohmann::json::array({{{"Config", outside}, {"Layers", {}}}}).dump());
  FileOutcome out;
  const Status s = scan_image(dir_.str() + "/img", detector, {}, out);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("missing or not JSON"), std::string::npos) << s.message();
}

// The CLI end to end: an image tarball by path, and an image name through a container engine.
class ImageCli : public ::testing::Test {
 protected:
  struct Outcome {
    int code = -1;
    std::string out, err;
  };
  Outcome run(const std::string& args, const std::string& path_env) {
    const std::string out = dir_.str() + "/out.txt", err = dir_.str() + "/err.txt";
    const std::string cmd = "PATH='" + path_env + "' XDG_CACHE_HOME='" + dir_.str() +
                            "/cache' '" REACHSCAN_BINARY "' " + args + " >'" + out + "' 2>'" + err +
                            "'";
    const int status = std::system(cmd.c_str());
    auto slurp = [](const std::string& p) {
      std::ifstream in(p);
      std::stringstream ss;
      ss << in.rdbuf();
      return ss.str();
    };
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out), slurp(err)};
  }
  // A fake container engine: `save -o FILE NAME` copies `image` to FILE, or fails like a
  // docker client without a daemon when `image` is empty.
  std::string fake_engine(const std::string& name, const std::string& image) {
    const std::string bin = dir_.str() + "/bin";
    fs::create_directories(bin);
    std::ofstream f(bin + "/" + name);
    if (image.empty())
      f << "#!/bin/sh\necho 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. "
           "Is the docker daemon running?' >&2\nexit 1\n";
    else
      f << "#!/bin/sh\n[ \"$1\" = save ] && [ \"$2\" = -o ] || exit 2\n/bin/cp '" << image
        << "' \"$3\"\n";
    f.close();
    fs::permissions(bin + "/" + name, fs::perms::owner_all);
    return bin;
  }
  TempDir dir_;
};

TEST_F(ImageCli, ScansATarballAndReportsLayerAndWhiteout) {
  const std::string ghp = testing::fake_github_token(5);
  const std::string tar = dir_.str() + "/img.tar";
  ASSERT_EQ(std::system(("python3 '" REACHSCAN_SOURCE_DIR "/tests/sources/make_image.py' '" + tar +
                         "' docker " + ghp + " " + testing::fake_github_token(6) + " " +
                         testing::fake_github_token(7) + " " + testing::fake_github_token(8) +
                         " >/dev/null")
                            .c_str()),
            0);
  const std::string path = std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin";
  // NODE_ENV=production in the image's Env: its findings reach production (exit 3).
  Outcome r = run("-f json image '" + tar + "'", path);
  EXPECT_EQ(r.code, 3) << r.err;
  const auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  // Four secrets: 2 layer files (shared layers scanned once), and Env and RUN, each found in
  // both images: one finding with two occurrences.
  EXPECT_EQ(j["findings"].size(), 4u);
  EXPECT_EQ(j["summary"]["occurrences"], 6);
  bool whiteout = false;
  for (const auto& f : j["findings"])
    for (const auto& o : f["occurrences"])
      for (const auto& flag : o["reach"]["flags"]) whiteout |= flag == "not_in_final_filesystem";
  EXPECT_TRUE(whiteout);

  // By name, through a container engine found on PATH.
  r = run("-f json image shop/api:1.4", fake_engine("docker", tar));
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_NE(r.out.find("shop/api:1.4!config"), std::string::npos);
}

// Image context as fields, and --deployment-repo: an image a production overlay of the given
// repository deploys is production, with the chain.
TEST_F(ImageCli, ImageFieldsAndDeploymentRepo) {
  const std::string ghp = testing::fake_github_token(5), run_tok = testing::fake_github_token(8);
  const std::string tar = dir_.str() + "/img.tar";
  ASSERT_EQ(std::system(("python3 '" REACHSCAN_SOURCE_DIR "/tests/sources/make_image.py' '" + tar +
                         "' docker " + ghp + " " + testing::fake_github_token(6) + " " +
                         testing::fake_github_token(7) + " " + run_tok +
                         " registry.example.com/shop/api:1.4 - >/dev/null")
                            .c_str()),
            0);
  dir_.write("repo/deploy/production/kustomization.yaml", "resources: [app.yaml]\n");
  dir_.write("repo/deploy/production/app.yaml",
             "kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n"
             "        - name: api\n          image: registry.example.com/shop/api:1.4\n");
  const std::string path = std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin";
  Outcome r = run("-f json image '" + tar + "' --deployment-repo '" + dir_.str() + "/repo'", path);
  EXPECT_EQ(r.code, 3) << r.err;
  const auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  bool layer_seen = false, history_seen = false;
  for (const auto& f : j["findings"])
    for (const auto& o : f["occurrences"]) {
      if (!o["path"].get<std::string>().starts_with("registry.example.com/shop/api:1.4!")) continue;
      ASSERT_TRUE(o.contains("image")) << o.dump();
      const auto& img = o["image"];
      EXPECT_EQ(img["name"], "registry.example.com/shop/api:1.4");
      EXPECT_EQ(o["reach"]["verdict"], "production") << o.dump();
      EXPECT_NE(o["reach"].dump().find("deployed to production: "
                                       "image:registry.example.com/shop/api:1.4 <- "
                                       "deploy/production/app.yaml <- "
                                       "deploy/production/kustomization.yaml"),
                std::string::npos)
          << o.dump();
      if (f["secret"] == ghp) {
        layer_seen = true;
        EXPECT_EQ(img["part"], "layer");
        EXPECT_EQ(img["layer"], 1);
        EXPECT_EQ(img["layers"], 2);
        EXPECT_TRUE(img["layer_digest"].get<std::string>().starts_with("sha256:"));
        EXPECT_EQ(img["instruction"], "COPY app /app # buildkit");
        EXPECT_EQ(img["history_entry"], 1);
        EXPECT_EQ(img["path"], "app/config.yml");
        EXPECT_EQ(img["in_final_filesystem"], true);
      }
      if (f["secret"] == run_tok) {
        history_seen = true;
        EXPECT_EQ(img["part"], "history");
        EXPECT_EQ(img["layer"], 2);
        EXPECT_EQ(img["instruction"], "RUN");  // never the RUN line: it holds the secret
      }
    }
  EXPECT_TRUE(layer_seen && history_seen) << r.out;

  // CSV and SARIF carry the same fields.
  r = run("-f csv image '" + tar + "'", path);
  EXPECT_NE(r.out.find(",image,layer_digest,image_instruction,in_final_filesystem\r\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find(",registry.example.com/shop/api:1.4,sha256:"), std::string::npos) << r.out;
  r = run("-f sarif image '" + tar + "'", path);
  EXPECT_NE(r.out.find("\"in_final_filesystem\""), std::string::npos) << r.out;

  // A --deployment-repo that is no folder is an error.
  r = run("image '" + tar + "' --deployment-repo '" + dir_.str() + "/nothing'", path);
  EXPECT_EQ(r.code, 2) << r.err;
}

TEST_F(ImageCli, ImageNameWithoutAWorkingEngineIsAnError) {
  // No engine at all.
  fs::create_directories(dir_.path() / "empty");
  Outcome r = run("image shop/api:1.4", dir_.str() + "/empty");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("neither docker nor podman is installed"), std::string::npos) << r.err;
  // An engine without its daemon.
  r = run("image shop/api:1.4", fake_engine("docker", ""));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("docker save shop/api:1.4 failed (exit 1): Cannot connect"),
            std::string::npos)
      << r.err;
  // A missing path is not sent to an engine.
  r = run("image ./missing/image.tar", fake_engine("docker", ""));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("./missing/image.tar: no such file or folder"), std::string::npos) << r.err;
  // A path that is not an image.
  dir_.write("notimage/a.txt", "x\n");
  r = run("image '" + dir_.str() + "/notimage'", "/usr/bin:/bin");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("not a container image"), std::string::npos) << r.err;
}

// ---- reach: what an image's names, Env and the deployment model of a repository say ----

// A repository whose production overlay deploys shop/api:1.4 (by kustomize `images:`), whose
// staging overlay runs shop/api:0.9-rc, and whose production release job pushes shop/api:latest.
void write_deployment_repo(const TempDir& repo) {
  repo.write("k8s/base/kustomization.yaml", "resources: [deployment.yaml]\n");
  repo.write("k8s/base/deployment.yaml",
             "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n"
             "    spec:\n      containers:\n        - name: api\n          image: shop/api\n");
  repo.write("k8s/overlays/prod/kustomization.yaml",
             "resources: [../../base]\nimages:\n  - name: shop/api\n    newTag: \"1.4\"\n");
  repo.write("k8s/overlays/staging/kustomization.yaml", "resources: [../../base, extra.yaml]\n");
  repo.write("k8s/overlays/staging/extra.yaml",
             "kind: Pod\nspec:\n  containers:\n    - name: canary\n      image: "
             "docker.io/shop/api:0.9-rc\n");
  repo.write(
      ".github/workflows/release.yml",
      "on: push\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    environment: production\n"
      "    steps:\n      - run: |\n          docker build -t shop/api:latest .\n"
      "          docker push shop/api:latest\n");
}

class ImageReach : public ::testing::Test {
 protected:
  // Builds a docker save tarball whose first image is `tag` with NODE_ENV `node_env` ("-": none)
  // and scans it with reach on; returns the finding of the layer file's secret.
  Finding scan(const std::string& tag, const std::string& node_env,
               std::shared_ptr<const reach::DeploymentModel> model = nullptr) {
    const std::string out = dir_.str() + "/img-" + std::to_string(++n_) + ".tar";
    const std::string cmd = "python3 '" REACHSCAN_SOURCE_DIR "/tests/sources/make_image.py' '" +
                            out + "' docker " + file_ + " " + fake_token("dmo_", 20, 32) + " " +
                            fake_token("dmo_", 20, 33) + " " + fake_token("dmo_", 20, 34) + " '" +
                            tag + "' '" + node_env + "' >/dev/null";
    EXPECT_EQ(std::system(cmd.c_str()), 0);
    DetectorOptions d;
    d.reach = cfg_.get();
    const Detector detector(demo_db(), d);
    ImageScanOptions io;
    io.reach = cfg_;
    io.deployment = std::move(model);
    FileOutcome o;
    const Status s = scan_image(out, detector, io, o);
    EXPECT_TRUE(s.ok()) << s.message();
    for (const Finding& f : o.findings)
      if (f.secret == file_) return f;
    ADD_FAILURE() << "layer file secret not found";
    return {};
  }

  TempDir dir_;
  int n_ = 0;
  const std::string file_ = fake_token("dmo_", 20, 31);
  std::shared_ptr<const reach::ReachConfig> cfg_ = std::make_shared<const reach::ReachConfig>();
};

TEST_F(ImageReach, NeutralImageHasNoVerdict) {
  const Finding f = scan("shop/api:1.4", "-");
  ASSERT_TRUE(f.reach);
  EXPECT_EQ(f.reach->verdict, ReachVerdict::kUnknown) << all_evidence(f);
}

TEST_F(ImageReach, ProductionTagsAreProductionWithTheEvidence) {
  for (const std::string tag :
       {"shop/api:prod", "registry.example.com/prod/api:1.4", "shop/api-production:3"}) {
    SCOPED_TRACE(tag);
    const Finding f = scan(tag, "-");
    ASSERT_TRUE(f.reach);
    EXPECT_EQ(f.reach->verdict, ReachVerdict::kProduction) << all_evidence(f);
    EXPECT_NE(all_evidence(f).find("image_name: image " + tag + " is named for production"),
              std::string::npos)
        << all_evidence(f);
  }
  // The registry host is the registry's place, not the image's environment.
  const Finding f = scan("prod-registry.example.com/shop/api:1.4", "-");
  EXPECT_EQ(f.reach->verdict, ReachVerdict::kUnknown) << all_evidence(f);
}

TEST_F(ImageReach, ConfigEnvProductionIsProduction) {
  const Finding f = scan("shop/api:1.4", "production");
  ASSERT_TRUE(f.reach);
  EXPECT_EQ(f.reach->verdict, ReachVerdict::kProduction) << all_evidence(f);
  EXPECT_NE(all_evidence(f).find("image_env: image config ENV NODE_ENV=production"),
            std::string::npos)
      << all_evidence(f);
}

TEST_F(ImageReach, DevTaggedImageIsNotProduction) {
  for (const auto& [tag, env] : {std::pair<std::string, std::string>{"shop/api:dev-42", "-"},
                                 {"shop/api:1.4", "development"},
                                 {"shop/api-staging:7", "-"}}) {
    SCOPED_TRACE(tag + " " + env);
    const Finding f = scan(tag, env);
    ASSERT_TRUE(f.reach);
    EXPECT_EQ(f.reach->verdict, ReachVerdict::kNonProduction) << all_evidence(f);
  }
}

TEST_F(ImageReach, ImageDeployedByAProductionManifestIsProductionWithTheChain) {
  TempDir repo;
  write_deployment_repo(repo);
  auto model = std::make_shared<const reach::DeploymentModel>(
      reach::build_deployment_model(reach::DirectoryTreeReader(repo.str())));

  Finding f = scan("shop/api:1.4", "-", model);
  ASSERT_TRUE(f.reach);
  EXPECT_EQ(f.reach->verdict, ReachVerdict::kProduction) << all_evidence(f);
  EXPECT_NE(all_evidence(f).find("image_deployment: image shop/api:1.4 deployed to production: "
                                 "image:shop/api:1.4 <- k8s/overlays/prod/kustomization.yaml "
                                 "(overlay prod)"),
            std::string::npos)
      << all_evidence(f);

  // :latest, pushed by the production release job.
  f = scan("shop/api:latest", "-", model);
  EXPECT_EQ(f.reach->verdict, ReachVerdict::kProduction) << all_evidence(f);
  EXPECT_NE(all_evidence(f).find("image:shop/api:latest <- .github/workflows/release.yml#publish"),
            std::string::npos)
      << all_evidence(f);

  // Run only by the staging overlay: not production.
  f = scan("shop/api:0.9-rc", "-", model);
  EXPECT_EQ(f.reach->verdict, ReachVerdict::kNonProduction) << all_evidence(f);
  EXPECT_NE(all_evidence(f).find("k8s/overlays/staging/extra.yaml <- "
                                 "k8s/overlays/staging/kustomization.yaml"),
            std::string::npos)
      << all_evidence(f);

  // A tag nothing deploys.
  f = scan("shop/api:2.0", "-", model);
  EXPECT_EQ(f.reach->verdict, ReachVerdict::kUnknown) << all_evidence(f);
}

TEST(ImageDeployment, ReferencesAreMatchedByRepositoryAndTag) {
  TempDir repo;
  write_deployment_repo(repo);
  repo.write("deploy/prod/values.yaml",
             "image:\n  registry: ghcr.io\n  repository: acme/worker\n  tag: \"2.1\"\n");
  repo.write("deploy/prod/helmfile.yaml",
             "releases:\n  - name: worker\n    chart: ../chart\n    values: [values.yaml]\n"
             "environments:\n  production: {}\n");
  repo.write("deploy/chart/Chart.yaml", "name: chart\nversion: 1.0.0\n");
  repo.write("scripts/deploy-prod.sh",
             "#!/bin/sh\nkubectl set image deployment/web web=acme/web:${GIT_SHA}\n"
             "kubectl rollout status deployment/web\n");
  const reach::DeploymentModel m =
      reach::build_deployment_model(reach::DirectoryTreeReader(repo.str()));
  auto prod = [&](const std::string& ref) {
    const auto r = m.reach_image(ref);
    return r && r->production;
  };
  EXPECT_TRUE(prod("shop/api:1.4"));
  EXPECT_TRUE(prod("docker.io/shop/api:1.4"));
  EXPECT_FALSE(prod("shop/api:1.5"));
  EXPECT_FALSE(prod("shop/api:0.9-rc"));
  EXPECT_TRUE(prod("shop/api"));          // no tag: latest, which the release job pushes
  EXPECT_TRUE(prod("acme/web:3f2a9c1"));  // the script sets a templated tag: every tag
  EXPECT_FALSE(prod("acme/webapp:1"));
  EXPECT_TRUE(prod("ghcr.io/acme/worker:2.1"));  // Helm values: registry, repository, tag
  EXPECT_FALSE(prod("ghcr.io/acme/worker:2.2"));
}

}  // namespace
}  // namespace reachscan
