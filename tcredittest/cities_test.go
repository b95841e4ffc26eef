package tcredittest

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCityList(t *testing.T) {
	s := newSandbox(t)
	var cities []struct {
		Code   string `json:"area_code"`
		Name   string `json:"area_name"`
		URL    string `json:"area_url"`
		Status any    `json:"area_status"`
	}
	require.NoError(t, json.Unmarshal(s.c.ok(epCities, nil).Data, &cities))
	require.GreaterOrEqual(t, len(cities), 20)

	codes := map[string]bool{}
	statuses := map[string]int{}
	for _, c := range cities {
		assert.Regexp(t, `^\d{6}S?$`, c.Code)
		assert.False(t, codes[c.Code], "area_code %s repeated", c.Code)
		codes[c.Code] = true
		assert.NotEmpty(t, c.Name)
		statuses[fmt.Sprint(c.Status)]++
	}
	assert.Positive(t, statuses["0"], "available cities")
	assert.Positive(t, statuses["1"], "cities under maintenance")
	assert.Positive(t, statuses["2"], "cities in development")
	assert.True(t, codes["330100"] && codes["330400"] && codes["310000S"])
}

// TestCityNamesAndBranchesAreTheirOwn checks that no two cities of the list share a
// name, nor two cities a list of branches (sub_area choices).
func TestCityNamesAndBranchesAreTheirOwn(t *testing.T) {
	names := map[string]string{}
	branches := map[string]string{}
	for _, c := range cityList {
		if other, ok := names[c.name]; ok {
			t.Errorf("%s and %s are both named %s", other, c.code, c.name)
		}
		names[c.name] = c.code
		for _, m := range c.methods {
			for _, p := range m.params {
				if p.list == nil {
					continue
				}
				key := fmt.Sprint(p.list)
				if other, ok := branches[key]; ok && other != c.code {
					t.Errorf("%s and %s have the same branches %v", other, c.code, p.list)
				}
				branches[key] = c.code
			}
		}
	}
}

func TestCityLoginMethods(t *testing.T) {
	s := newSandbox(t, WithVariance(false))
	type param struct {
		Name     string `json:"name"`
		Label    string `json:"label"`
		Type     string `json:"type"`
		Required bool   `json:"required"`
		List     []struct {
			Value string `json:"value"`
			Key   string `json:"key"`
		} `json:"list"`
	}
	type method struct {
		AreaCode  string  `json:"area_code"`
		LoginName string  `json:"login_name"`
		LoginType int     `json:"login_type"`
		Params    []param `json:"login_params"`
	}
	// forms lists the shapes of login forms seen, by their required fields.
	forms := map[string]bool{}
	selects := 0
	for _, c := range cityList {
		var methods []method
		require.NoError(t, json.Unmarshal(s.c.ok(epCityParams, map[string]string{"area_code": c.code}).Data, &methods))
		require.NotEmpty(t, methods, c.code)
		for _, m := range methods {
			assert.Equal(t, c.code, m.AreaCode)
			assert.NotEmpty(t, m.LoginName)
			var shape string
			for _, p := range m.Params {
				assert.NotEmpty(t, p.Label)
				assert.Contains(t, []string{"text", "password", "select"}, p.Type)
				if p.Type == "select" {
					selects++
					assert.Equal(t, "sub_area", p.Name)
					assert.NotEmpty(t, p.List)
				}
				if p.Required && p.Type != "select" {
					shape += p.Name + " "
				}
			}
			forms[shape] = true
		}
	}
	for _, want := range []string{
		"account password ",
		"id_card password ",
		"id_card real_name mobile ",
		"corp_account id_card password ",
	} {
		assert.True(t, forms[want], "a login by %s", want)
	}
	assert.Positive(t, selects)

	r := s.c.ok(epCityParams, map[string]string{"area_code": "999999"})
	assert.JSONEq(t, `[]`, string(r.Data), "an unknown city has no login method")
}
