module github.com/waygate-go/waygate/openapi

go 1.26.0
