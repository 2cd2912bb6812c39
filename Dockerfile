# zhinan: multi-stage build. SQLite is linked through cgo (mattn/go-sqlite3),
# so the build stage has a C compiler and the runtime stage glibc. The
# PostgreSQL driver (pgx) is pure Go: the same binary serves with --db.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=1 go build -trimpath -ldflags="-s -w" -o /out/zhinan ./cmd/zhinan

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/zhinan --create-home zhinan \
    && install -d -o zhinan -g zhinan /var/lib/zhinan/data
COPY --from=build /out/zhinan /usr/local/bin/zhinan
USER zhinan
WORKDIR /var/lib/zhinan
# The SQLite database and the search index live here (with --db, only the
# search index). The folder exists in the image, owned by zhinan, so that a
# new volume mounted on it is zhinan's too (Docker copies the image's
# folder into an empty volume; one it had to create would be root's).
VOLUME ["/var/lib/zhinan/data"]
EXPOSE 8080
ENV TZ=Asia/Shanghai
ENTRYPOINT ["zhinan"]
CMD ["serve", "--data", "/var/lib/zhinan/data", "--addr", "0.0.0.0:8080"]
