# syntax=docker/dockerfile:1
# ser-server: release build on the official Swift 6 image, run on Debian bookworm-slim with only the
# shared libraries the binary links, as a non-root user. See docs/deployment.md.
#
#   docker build -t ser-server .
#   docker run --rm -p 8080:8080 -v "$PWD/Models:/models:ro" ser-server
#
# scripts/deploy/check-runtime-image.sh rebuilds the runtime stage without Docker (debootstrap + chroot): it
# reads the runtime package list, the user and the HEALTHCHECK from this file, so keep them in the
# shapes it parses (one `apt-get install ... --no-install-recommends` list, one `useradd`, one
# exec-form HEALTHCHECK CMD).

# ---- build stage ----
FROM swift:6.3-bookworm AS build
# Unpinned on purpose: bookworm's point releases only carry security and bug fixes, and pinned
# versions disappear from the mirror when they are superseded.
# hadolint ignore=DL3008
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      pkg-config libsndfile1-dev libopenblas-dev libmicrohttpd-dev libsoxr-dev libfftw3-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Dependencies resolve in their own layer, so source edits do not refetch them. Package.resolved is
# not committed; when a working tree has one, its pins are used.
COPY Package.swift Package.resolve[d] ./
RUN swift package resolve
# Tests/ is needed only because the manifest declares the test targets (SwiftPM checks their paths).
COPY openapi.yaml ./
COPY Sources ./Sources
COPY Tests ./Tests
# --static-swift-stdlib links the Swift runtime and Foundation into the binary; what remains dynamic
# is libc/libstdc++ and the five C libraries (readelf -d; docs/deployment.md lists them).
RUN swift build -c release --product ser-server --static-swift-stdlib \
 && install -D -m 0755 .build/release/ser-server /out/ser-server

# ---- runtime stage ----
FROM debian:bookworm-slim AS runtime
# Exactly the packages that provide the binary's NEEDED libraries: libsndfile.so.1, libopenblas.so.0
# (pthread variant: the server sets one BLAS thread per request), libmicrohttpd.so.12, libsoxr.so.0,
# libfftw3f.so.3, libstdc++.so.6 (the static Swift runtime uses it). No curl: the HEALTHCHECK below
# speaks HTTP with bash's /dev/tcp, and bash is already in the base image.
# hadolint ignore=DL3008
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libsndfile1 libopenblas0-pthread libmicrohttpd12 libsoxr0 libfftw3-single3 libstdc++6 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin ser
COPY --from=build /out/ser-server /usr/local/bin/ser-server
# The shipped models; mount a volume over /models to serve others (SIGHUP reloads them).
COPY --chown=root:root Models /models
USER 10001:10001
ENV SER_HOST=:: \
    SER_PORT=8080 \
    SER_MODELS=/models \
    SER_LOG_FORMAT=json \
    SER_DRAIN_TIMEOUT=25
EXPOSE 8080
# SIGTERM makes the server drain (readiness fails, in-flight requests finish within SER_DRAIN_TIMEOUT)
# and exit 0; give `docker stop -t` more than the drain timeout.
STOPSIGNAL SIGTERM
# Ready = a model is loaded and the server is not draining. HTTP/1.0 GET over bash's /dev/tcp.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/\"${SER_PORT:-8080}\" && printf 'GET /v2/health/ready HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && read -r _ status _ <&3 && [ \"$status\" = 200 ]"]
ENTRYPOINT ["/usr/local/bin/ser-server"]
