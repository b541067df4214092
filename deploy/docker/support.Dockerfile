# syntax=docker/dockerfile:1
# support: multi-stage build; a static binary on distroless, running as non-root.
# Build from the repository root: docker build -f deploy/docker/support.Dockerfile .
FROM golang:1.26 AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/support ./services/support/cmd/support

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/support /usr/local/bin/support
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/support"]
