# reachscan in a container: a multi-stage build on Debian 12 slim. The first stage builds the
# release binary and the .deb; the second installs only that package (its Depends bring the
# runtime libraries) and runs as a non-root user with /src as the scan root.
#
#   docker build -t reachscan .
#   docker run --rm -v "$PWD:/src:ro" reachscan              # = reachscan dir /src
#   docker run --rm -v "$PWD:/src:ro" reachscan git /src     # history (mount the whole checkout)
FROM debian:12-slim AS build
WORKDIR /build
# Build dependencies only: the test and benchmark tools stay out of the image.
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      build-essential cmake ninja-build pkg-config git ca-certificates dpkg-dev file help2man \
      libhyperscan-dev libgit2-dev libre2-dev libtbb-dev libcli11-dev libyaml-cpp-dev \
      nlohmann-json3-dev libfmt-dev libssl-dev zlib1g-dev libarchive-dev libtomlplusplus-dev \
      libcurl4-openssl-dev libsqlite3-dev libpq-dev \
 && rm -rf /var/lib/apt/lists/*
COPY . .
RUN cmake -S . -B out -G Ninja -DCMAKE_BUILD_TYPE=Release -DREACHSCAN_BUILD_TESTS=OFF \
      -DREACHSCAN_BUILD_BENCH=OFF \
 && cmake --build out \
 && (cd out && cpack -G DEB) \
 && mv out/reachscan_*.deb /reachscan.deb

FROM debian:12-slim
COPY --from=build /reachscan.deb /tmp/reachscan.deb
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      /tmp/reachscan.deb git ca-certificates \
 && rm -rf /var/lib/apt/lists/* /tmp/reachscan.deb \
 && useradd --system --uid 10001 --home-dir /home/reachscan --create-home reachscan \
 && mkdir -p /src
# A mounted checkout belongs to another user: let git read it anyway.
RUN git config --system --add safe.directory '*'
USER reachscan
WORKDIR /src
ENTRYPOINT ["reachscan"]
CMD ["dir", "/src"]
