//go:build race

package memlimit_test

import "testing"

// TestMemoryManyKeys is TestMemoryMillionKeys at a tenth of the size, so
// the race-enabled run (CI) stays quick. The race detector's shadow memory
// lives outside the Go heap, so the bytes per counter read the same.
func TestMemoryManyKeys(t *testing.T) {
	checkMemoryBound(t, 100_000)
}
