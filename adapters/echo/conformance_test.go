package waygateecho_test

import (
	"testing"

	"github.com/waygate-go/waygate/adapters/echo/waygateechotest"
	"github.com/waygate-go/waygate/core/conformance"
)

func TestConformance(t *testing.T) { conformance.Run(t, waygateechotest.Harness{}) }
