//go:build unix

package redistest

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// lock holds the Redis deployment at addr for the test, until its end: the test
// binaries of the module's packages run at once and each empties the deployment
// it opens.
func lock(t testing.TB, addr string) {
	t.Helper()
	sum := sha256.Sum256([]byte(addr))
	name := filepath.Join(os.TempDir(), "tcredit-redistest-"+hex.EncodeToString(sum[:8])+".lock")
	f, err := os.OpenFile(name, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		t.Fatalf("redistest: %v", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		t.Fatalf("redistest: lock %s: %v", name, err)
	}
	t.Cleanup(func() { f.Close() }) // closing releases the lock
}
