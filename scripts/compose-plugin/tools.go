//go:build tools

// Package tools pins the Docker Compose CLI plugin that the test suite uses to check
// docker/docker-compose.yml (`docker compose config`); the development machines have the
// docker client but no compose plugin and no engine.
package tools

import _ "github.com/docker/compose/v5/cmd"
