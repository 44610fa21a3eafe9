package waygateechov5_test

import (
	"testing"

	"github.com/waygate-go/waygate/adapters/echov5/waygateechov5test"
	"github.com/waygate-go/waygate/core/conformance"
)

func TestConformance(t *testing.T) { conformance.Run(t, waygateechov5test.Harness{}) }
