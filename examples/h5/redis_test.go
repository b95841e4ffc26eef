package main

import (
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConfigRedis(t *testing.T) {
	t.Run("none", func(t *testing.T) {
		rdb, err := config{}.redis()
		require.NoError(t, err)
		assert.Nil(t, rdb)
	})
	t.Run("server", func(t *testing.T) {
		rdb, err := config{redisURL: "redis://127.0.0.1:6391/15"}.redis()
		require.NoError(t, err)
		defer rdb.Close()
		require.IsType(t, &redis.Client{}, rdb)
		opt := rdb.(*redis.Client).Options()
		assert.Equal(t, "127.0.0.1:6391", opt.Addr)
		assert.Equal(t, 15, opt.DB)
	})
	t.Run("cluster", func(t *testing.T) {
		rdb, err := config{redisCluster: "127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003"}.redis()
		require.NoError(t, err)
		defer rdb.Close()
		require.IsType(t, &redis.ClusterClient{}, rdb)
		assert.Equal(t, []string{"127.0.0.1:7001", "127.0.0.1:7002", "127.0.0.1:7003"}, rdb.(*redis.ClusterClient).Options().Addrs)
	})
	t.Run("both", func(t *testing.T) {
		_, err := config{redisURL: "redis://127.0.0.1:6391/15", redisCluster: "127.0.0.1:7001"}.redis()
		assert.EqualError(t, err, "-redis and -redis-cluster name two deployments: use one")
	})
	t.Run("bad URL", func(t *testing.T) {
		_, err := config{redisURL: "http://127.0.0.1:6391"}.redis()
		assert.Error(t, err)
	})
}
