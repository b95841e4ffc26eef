//go:build !unix

package replicatest_test

import (
	"testing"
	"time"
)

// processCPU is not measured here: BenchmarkSessions' cpu-µs/session counts Redis only.
func processCPU(b *testing.B) time.Duration { return 0 }
