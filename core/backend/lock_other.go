//go:build !unix

package backend

import (
	"fmt"
	"os"
)

// lockFile creates the lock file exclusively where advisory locks are not
// available; a crash leaves it behind and it must then be removed by hand.
func lockFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("file backend: %s exists: another process writes this state file (remove the lock file if none does): %w", path, err)
	}
	return f, nil
}

func unlockFile(f *os.File) error {
	name := f.Name()
	err := f.Close()
	os.Remove(name)
	return err
}
