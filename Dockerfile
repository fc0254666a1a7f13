# syntax=docker/dockerfile:1
# ser-server: build on the official Swift 6 image, run on Debian bookworm-slim with only the
# runtime libraries the binary links.

# ---- build stage ----
FROM swift:6.3-bookworm AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      pkg-config libsndfile1-dev libopenblas-dev libmicrohttpd-dev libsoxr-dev libfftw3-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Resolve dependencies in their own layer so source edits do not refetch them.
COPY Package.swift ./
RUN swift package resolve
COPY Sources ./Sources
COPY Tests ./Tests
COPY openapi.yaml ./
RUN swift build -c release --product ser-server --static-swift-stdlib \
 && mkdir -p /out && cp .build/release/ser-server /out/

# ---- runtime stage ----
FROM debian:bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libsndfile1 libopenblas0-pthread libmicrohttpd12 libsoxr0 libfftw3-single3 curl ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin ser
COPY --from=build /out/ser-server /usr/local/bin/ser-server
COPY Models /models
USER 10001
ENV SER_HOST=:: SER_PORT=8080 SER_MODELS=/models SER_LOG_FORMAT=json
EXPOSE 8080
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=2s --start-period=5s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/v2/health/ready || exit 1
ENTRYPOINT ["/usr/local/bin/ser-server"]
