# Multi-stage build of the DJCD API: a Rust builder, then a slim runtime image.
FROM rust:1.95-bookworm AS builder
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p api

FROM debian:bookworm-slim AS runtime
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /app djcd \
    && mkdir -p /app/data && chown djcd /app/data
WORKDIR /app
COPY --from=builder /src/target/release/api /usr/local/bin/api
USER 10001
ENV BIND_ADDR=0.0.0.0:8080 LOG_FORMAT=json
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --retries=5 CMD ["curl", "-fsS", "http://127.0.0.1:8080/health/ready"]
ENTRYPOINT ["/usr/local/bin/api"]
CMD ["serve"]
