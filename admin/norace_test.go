//go:build !race

package admin_test

// raceEnabled skips tests too slow under the race detector.
const raceEnabled = false
