package tcredittest

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStatementListsEveryTaskWithItsCharge(t *testing.T) {
	s := newSandbox(t)
	s.h.AddApp("app-2", "token-2")
	second := newRawClient(t, s.ts, s.ts.URL, "app-2", "token-2")
	ok := s.c.create(login("demo-success"))
	failed := s.c.create(login("demo-wrong-password"))
	other := second.create(login("demo-partial"))
	s.clock.Advance(10 * testStep)

	get := func(query string) (int, string) {
		resp, err := s.ts.Client().Get(s.ts.URL + "/statement.csv" + query)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		assert.Equal(t, "text/csv; charset=utf-8", resp.Header.Get("Content-Type"))
		return resp.StatusCode, string(body)
	}
	status, body := get("")
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, StatementHeader+"\n"+
		ok+","+s.h.AppID()+",110100,2017-07-28T10:00:00+08:00,40001,true\n"+
		failed+","+s.h.AppID()+",110100,2017-07-28T10:00:00+08:00,50004,false\n"+
		other+",app-2,110100,2017-07-28T10:00:00+08:00,40002,true\n", body)

	_, body = get("?app_id=app-2")
	assert.Equal(t, StatementHeader+"\n"+other+",app-2,110100,2017-07-28T10:00:00+08:00,40002,true\n", body)

	resp, err := s.ts.Client().Post(s.ts.URL+"/statement.csv", "text/plain", strings.NewReader(""))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
}
