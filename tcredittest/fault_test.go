package tcredittest

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFaults(t *testing.T) {
	tests := []struct {
		name       string
		fault      Fault
		check      func(t *testing.T, r response)
		wantTasks  int // tasks created by the faulty createFundSearchTaskB
		wantLogged int // the status logged for it
	}{
		{"latency", Fault{Kind: FaultLatency, Delay: 5 * time.Millisecond}, func(t *testing.T, r response) {
			assert.Equal(t, 0, r.Status)
		}, 1, 0},
		{"bad gateway", Fault{Kind: FaultBadGateway}, func(t *testing.T, r response) {
			assert.Equal(t, http.StatusBadGateway, r.HTTPStatus)
			assert.Contains(t, string(r.Body), "<html>")
		}, 0, -1},
		{"truncated JSON", Fault{Kind: FaultTruncate}, func(t *testing.T, r response) {
			assert.Equal(t, http.StatusOK, r.HTTPStatus)
			assert.NotEmpty(t, r.Body)
			assert.False(t, json.Valid(r.Body), "%s", r.Body)
		}, 1, 0},
		{"dropped connection", Fault{Kind: FaultDrop}, func(t *testing.T, r response) {
			assert.Error(t, r.Err)
		}, 0, -1},
		{"dropped after processing", Fault{Kind: FaultDropAfter}, func(t *testing.T, r response) {
			assert.Error(t, r.Err)
		}, 1, 0},
		{"busy", Fault{Kind: FaultStatus, Status: 10}, func(t *testing.T, r response) {
			assert.Equal(t, 10, r.Status)
			assert.Equal(t, "系统繁忙，请稍后再试", r.Message)
		}, 0, 10},
		{"processing", Fault{Kind: FaultStatus, Status: 11}, func(t *testing.T, r response) {
			assert.Equal(t, 11, r.Status)
		}, 0, 11},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSandbox(t)
			f := tt.fault
			f.Endpoint = epCreateTask
			s.h.InjectFault(f)

			assert.Equal(t, 0, s.c.call(epCities, nil).Status, "another endpoint is not hit")
			tt.check(t, s.c.call(epCreateTask, login("demo-success")))
			assert.Len(t, s.h.Tasks(), tt.wantTasks)
			assert.Equal(t, tt.wantTasks, s.h.Billed(s.h.AppID()), "a task that exists is billed")
			reqs := s.h.Requests()
			require.Len(t, reqs, 2)
			assert.Equal(t, tt.wantLogged, reqs[1].Status)

			s.c.create(login("demo-success")) // the fault hit one call only
			assert.Len(t, s.h.Tasks(), tt.wantTasks+1)
		})
	}
}

func TestFaultCountAndRate(t *testing.T) {
	s := newSandbox(t, WithSeed(5))
	s.h.InjectFault(Fault{Kind: FaultStatus, Status: 10, Endpoint: epCities, Count: 2})
	s.h.InjectFault(Fault{Kind: FaultStatus, Status: 11}) // any endpoint, once, after the first fault
	statuses := func(n int) (out []int) {
		for i := 0; i < n; i++ {
			out = append(out, s.c.call(epCities, nil).Status)
		}
		return out
	}
	assert.Equal(t, []int{10, 10, 11, 0}, statuses(4))

	s.h.InjectFault(Fault{Kind: FaultBadGateway, Endpoint: epCities, Rate: 0.5})
	hit := 0
	for i := 0; i < 100; i++ {
		if s.c.call(epCities, nil).HTTPStatus == http.StatusBadGateway {
			hit++
		}
	}
	assert.Greater(t, hit, 20)
	assert.Less(t, hit, 80)
	assert.Equal(t, 0, s.c.call(epCityParams, map[string]string{"area_code": "110100"}).Status, "another endpoint")

	s.h.ClearFaults()
	assert.Equal(t, []int{0, 0, 0}, statuses(3))
}

func TestLatencyEndsAtClose(t *testing.T) {
	s := newSandbox(t)
	s.h.InjectFault(Fault{Kind: FaultLatency, Delay: time.Hour})
	done := make(chan response)
	go func() { done <- s.c.call(epCities, nil) }()
	s.h.Close()
	r := <-done
	assert.Equal(t, 0, r.Status)
}
