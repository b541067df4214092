# syntax=docker/dockerfile:1
# webhooks (webhook API and dispatcher): multi-stage build; a static binary on distroless, running as non-root.
# Build from the repository root: docker build -f deploy/docker/webhooks.Dockerfile .
FROM golang:1.26 AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/webhooks ./services/webhooks/cmd/webhooks

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/webhooks /usr/local/bin/webhooks
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/webhooks"]
