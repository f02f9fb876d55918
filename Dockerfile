# vtts as a service: `docker build -t vtts .` then `docker run -p 5004:8888 vtts`
# serves like the Python service it replaces (see README, "Docker").
#
# The build stage compiles vtts (build.rs fetches the ONNX Runtime library
# with pip, by package name, checksum pinned, and bundles it into the binary)
# and downloads the voice with vtts itself (size and MD5 checked against
# models/voices.json). The runtime stage holds the binary, the voice and the
# read-only cache made from them.

FROM rust:1-bookworm AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3-pip libasound2-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cargo build --release --locked \
    && install -m 0755 target/release/vtts /usr/local/bin/vtts
ARG VOICE=vi_VN-vais1000-medium
# Then one synthesis fills the cache the image ships: the bundled ONNX
# Runtime library and the voice's optimised graph, so that a container's
# sessions start in tens of milliseconds instead of rewriting the graph.
RUN VTTS_DATA_DIR=/opt/vtts vtts voices download --quiet "$VOICE" \
    && VTTS_DATA_DIR=/opt/vtts XDG_CACHE_HOME=/opt/vtts/cache vtts --quiet --voice "$VOICE" -o /tmp/warm-up.wav xin

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends libasound2 curl \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 --create-home --home-dir /home/vtts vtts \
    && mkdir -p /var/lib/vtts/audio \
    && chown vtts /var/lib/vtts/audio
COPY --from=build /usr/local/bin/vtts /usr/local/bin/vtts
COPY --from=build /opt/vtts /opt/vtts
ARG VOICE=vi_VN-vais1000-medium
ENV VTTS_DATA_DIR=/opt/vtts \
    XDG_CACHE_HOME=/opt/vtts/cache \
    VTTS_VOICE=$VOICE \
    VTTS_OFFLINE=1 \
    VTTS_AUDIO_DIR=/var/lib/vtts/audio
USER 10001
WORKDIR /home/vtts
# 8888: HTTP; 10200: the Wyoming protocol, for Home Assistant (wyoming-piper's port).
EXPOSE 8888 10200
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:8888/health"]
ENTRYPOINT ["vtts"]
CMD ["serve", "--port", "8888", "--wyoming", "tcp://0.0.0.0:10200"]
