module github.com/waygate-go/waygate/cli

go 1.26.0
