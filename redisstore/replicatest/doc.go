// Package replicatest tests the H5 flow on several processes: cmd/tcredit-sandbox,
// a real redis-server and replicas of examples/h5 behind a round-robin proxy. It has
// no code of its own; see its tests. They need TCREDIT_REDIS_URL (a database they
// may empty) and skip without it, unless CI=true.
package replicatest
