package waygatechi_test

import (
	"testing"

	"github.com/waygate-go/waygate/adapters/chi/waygatechitest"
	"github.com/waygate-go/waygate/core/conformance"
)

func TestConformance(t *testing.T) { conformance.Run(t, waygatechitest.Harness{}) }
