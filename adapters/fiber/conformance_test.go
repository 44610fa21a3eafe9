package waygatefiber_test

import (
	"testing"

	"github.com/waygate-go/waygate/adapters/fiber/waygatefibertest"
	"github.com/waygate-go/waygate/core/conformance"
)

func TestConformance(t *testing.T) { conformance.Run(t, waygatefibertest.Harness{}) }
