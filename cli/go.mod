module github.com/waygate-go/waygate/cli

go 1.26.0

require (
	github.com/spf13/cobra v1.10.2
	github.com/spf13/pflag v1.0.10
	github.com/waygate-go/waygate/adapters/nethttp v0.1.0
	github.com/waygate-go/waygate/admin v0.1.0
	github.com/waygate-go/waygate/core v0.1.0
	github.com/waygate-go/waygate/openapi v0.1.0
	golang.org/x/term v0.46.0
	gopkg.in/yaml.v3 v3.0.1
)

require (
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/inconshreveable/mousetrap v1.1.0 // indirect
	github.com/open-feature/go-sdk v1.20.0 // indirect
	github.com/redis/go-redis/v9 v9.23.0 // indirect
	go.uber.org/atomic v1.12.0 // indirect
	go.uber.org/mock v0.6.0 // indirect
	golang.org/x/sys v0.48.0 // indirect
)
