# vtts in a container. The build stage fetches the ONNX Runtime library with pip
# (by package name, checksum pinned in build.rs) and bundles it into the binary,
# so the runtime stage needs nothing but the binary and a voice.
#
#   docker build -t vtts .
#   docker run --rm -i -v "$PWD/voices:/voices" vtts -m /voices/vi_VN-vais1000-medium.onnx < in.txt > out.wav

FROM rust:1-bookworm AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3-pip \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cargo build --release --locked \
    && install -m 0755 target/release/vtts /usr/local/bin/vtts

FROM debian:bookworm-slim
RUN useradd --system --create-home --home-dir /home/vtts vtts
COPY --from=build /usr/local/bin/vtts /usr/local/bin/vtts
USER vtts
WORKDIR /home/vtts
ENTRYPOINT ["vtts"]
CMD ["--help"]
