//go:build !race

package memlimit_test

import "testing"

// TestMemoryMillionKeys: 1,000,000 distinct clients stay within the
// documented bytes per counter and the default cap, and expired counters
// are shed. (Under -race the same test runs with 100,000 clients:
// memory_bound_race_test.go.)
func TestMemoryMillionKeys(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates about 200 MiB")
	}
	checkMemoryBound(t, 1_000_000)
}
