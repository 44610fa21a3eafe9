module github.com/waygate-go/waygate/core

go 1.26.0
