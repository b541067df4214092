# syntax=docker/dockerfile:1
# registry: multi-stage build; a static binary on distroless, running as non-root.
# Build from the repository root: docker build -f deploy/docker/registry.Dockerfile .
FROM golang:1.26 AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/registry ./services/registry/cmd/registry

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/registry /usr/local/bin/registry
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/registry"]
