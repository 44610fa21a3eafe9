module github.com/waygate-go/waygate/admin

go 1.26.0

require github.com/waygate-go/waygate/core v0.0.0

replace github.com/waygate-go/waygate/core => ../core
