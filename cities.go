package tcredit

import (
	"context"
	"errors"
	"strings"
)

// Cities lists the cities whose fund websites the query supports, with their
// availability. It calls getFundCitysB, which is not billed.
func (c *Client) Cities(ctx context.Context) ([]City, error) {
	cities, _, err := call[[]City](ctx, c, epCities, nil)
	return cities, err
}

// CityParams lists the ways of logging in to the fund website of the city areaCode,
// each with the form fields it needs. It calls getFundCityParamB, which is not billed.
func (c *Client) CityParams(ctx context.Context, areaCode string) ([]LoginMethod, error) {
	if strings.TrimSpace(areaCode) == "" {
		return nil, &FieldError{Field: "area_code", Err: errors.New("is empty")}
	}
	methods, _, err := call[[]LoginMethod](ctx, c, epCityParams, map[string]string{"area_code": areaCode})
	return methods, err
}
