package waygategin_test

import (
	"testing"

	"github.com/waygate-go/waygate/adapters/gin/waygategintest"
	"github.com/waygate-go/waygate/core/conformance"
)

func TestConformance(t *testing.T) { conformance.Run(t, waygategintest.Harness{}) }
