package tcredit

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Validate checks a request against the login method it was filled from: the login
// type matches, every required parameter is present, and every select value is one of
// its listed choices. It returns a *ValidationError naming each problem field, or nil.
// Query calls it before the billed CreateTask.
//
// The error quotes no secret: of the values given, it shows only those of area_code,
// login_type, sub_area and corp_name, never a password, code, ID card number, account,
// mobile number, name, company account or Extra value.
func (m LoginMethod) Validate(req CreateTaskRequest) error {
	if problems := m.problems(req); len(problems) > 0 {
		return &ValidationError{Fields: problems}
	}
	return nil
}

// problems lists what Validate finds wrong with req.
func (m LoginMethod) problems(req CreateTaskRequest) []*FieldError {
	var problems []*FieldError
	add := func(field, label string, err error) {
		problems = append(problems, &FieldError{Field: field, Label: label, Err: err})
	}
	if req.LoginType != m.LoginType {
		add("login_type", m.LoginName, fmt.Errorf("is %d, the login method is %d", req.LoginType, m.LoginType))
	}
	if m.AreaCode != "" && req.AreaCode != m.AreaCode {
		add("area_code", "", fmt.Errorf("is %q, the login method is for %q", req.AreaCode, m.AreaCode))
	}
	values := req.params()
	for _, p := range m.LoginParams {
		v := trimValue(values[p.Name])
		switch {
		case v == "":
			if p.Required {
				add(p.Name, p.Label, errors.New("is required"))
			}
		case p.Type == "select" && len(p.List) > 0 && !hasChoice(p.List, v):
			add(p.Name, p.Label, notAChoice(p, v))
		}
	}
	return problems
}

// notAChoice says that v is none of p's choices, quoting v only when p is a public
// parameter: a login form from the server may make a select of any field, the
// password included.
func notAChoice(p LoginParam, v string) error {
	if publicParam(p.Name) {
		return fmt.Errorf("is %q, not one of %s", v, choicesText(p.List))
	}
	return fmt.Errorf("is not one of %s", choicesText(p.List))
}

func hasChoice(list []Choice, v string) bool {
	for _, c := range list {
		if c.Value == v {
			return true
		}
	}
	return false
}

func choicesText(list []Choice) string {
	parts := make([]string, len(list))
	for i, c := range list {
		parts[i] = c.Value + " (" + c.Key + ")"
	}
	return strings.Join(parts, ", ")
}

// validate checks req before a billed CreateTask: the city is listed and available,
// and the request fits its login method (m, or the one LoginMethods gives).
func (c *Client) validate(ctx context.Context, req CreateTaskRequest, m *LoginMethod) error {
	if err := req.check(); err != nil {
		return err
	}
	if err := c.checkCity(ctx, req.AreaCode); err != nil {
		return err
	}
	if m == nil {
		methods, err := c.LoginMethods(ctx, req.AreaCode)
		if err != nil {
			return err
		}
		for i := range methods {
			if methods[i].LoginType == req.LoginType {
				m = &methods[i]
				break
			}
		}
		if m == nil {
			return &FieldError{Field: "login_type", Err: fmt.Errorf("is %d, which city %s does not offer", req.LoginType, req.AreaCode)}
		}
	}
	return m.Validate(req)
}

// checkCity reports a city that the city list lacks or marks unavailable.
func (c *Client) checkCity(ctx context.Context, areaCode string) error {
	city, err := c.city(ctx, areaCode)
	if err != nil || city.Available() {
		return err
	}
	return &FieldError{Field: "area_code", Err: &cityError{
		msg: fmt.Sprintf("%s (%s) is not available for queries: %s", city.AreaName, areaCode, city.AreaStatus),
		is:  []error{ErrCityUnavailable},
	}}
}
