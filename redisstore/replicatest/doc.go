// Package replicatest tests the H5 flow on several replicas sharing Redis, in one
// process and as processes (cmd/tcredit-sandbox and replicas of examples/h5 behind a
// round-robin proxy); each test runs on a real redis-server and on a real Redis
// Cluster, as subtests named after them. It has no code of its own; see its tests. They need
// TCREDIT_REDIS_URL (a database they may empty) and TCREDIT_REDIS_CLUSTER (the
// masters of a cluster they may empty, host:port,host:port,...), and skip without
// them, unless CI=true.
package replicatest
