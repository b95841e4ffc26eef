package tcredit

import (
	"context"
	"errors"
	"slices"
)

// Cities lists the cities whose fund websites the query supports, with their
// availability. It calls getFundCitysB, which is not billed.
// Answers are kept for the client's cache TTL (see WithCache).
func (c *Client) Cities(ctx context.Context) ([]City, error) {
	cities, err := cached(ctx, c.cache, "cities", func(ctx context.Context) (cities []City, err error) {
		ctx, obs := c.startCall(ctx, epCities, "", "")
		defer func() { obs.end("", err) }()
		return call[[]City](ctx, c, epCities, nil)
	})
	return slices.Clone(cities), err
}

// LoginMethods lists the ways of logging in to the fund website of the city areaCode,
// each with the form fields it needs. It calls getFundCityParamB, which is not billed.
// Answers are kept for the client's cache TTL (see WithCache).
//
// For an area code that the city list (Cities) does not have, the error matches
// ErrUnknownCity.
func (c *Client) LoginMethods(ctx context.Context, areaCode string) ([]LoginMethod, error) {
	if trimValue(areaCode) == "" {
		return nil, &FieldError{Field: "area_code", Err: errors.New("is empty")}
	}
	methods, err := cached(ctx, c.cache, "params:"+areaCode, func(ctx context.Context) (methods []LoginMethod, err error) {
		ctx, obs := c.startCall(ctx, epCityParams, "", areaCode)
		defer func() { obs.end("", err) }()
		return call[[]LoginMethod](ctx, c, epCityParams, map[string]string{"area_code": areaCode})
	})
	if err == nil && len(methods) == 0 {
		// No login method: is the city listed at all?
		if _, err := c.city(ctx, areaCode); err != nil {
			return nil, err
		}
	}
	return cloneMethods(methods), err
}

// CityParams is LoginMethods, under the name of the endpoint it calls
// (getFundCityParamB).
//
// Deprecated: Use LoginMethods, which says what it returns.
func (c *Client) CityParams(ctx context.Context, areaCode string) ([]LoginMethod, error) {
	return c.LoginMethods(ctx, areaCode)
}

// city returns the city areaCode from the city list, or an error matching
// ErrUnknownCity (and ErrCityUnavailable) when the list does not have it.
func (c *Client) city(ctx context.Context, areaCode string) (City, error) {
	cities, err := c.Cities(ctx)
	if err != nil {
		return City{}, err
	}
	for _, city := range cities {
		if city.AreaCode == areaCode {
			return city, nil
		}
	}
	return City{}, &FieldError{Field: "area_code", Err: &cityError{
		msg: areaCode + " is not in the city list",
		is:  []error{ErrUnknownCity, ErrCityUnavailable},
	}}
}

// cloneMethods copies login methods deeply, so that a caller cannot change the cache.
func cloneMethods(methods []LoginMethod) []LoginMethod {
	out := slices.Clone(methods)
	for i := range out {
		out[i].LoginParams = slices.Clone(out[i].LoginParams)
		for j := range out[i].LoginParams {
			out[i].LoginParams[j].List = slices.Clone(out[i].LoginParams[j].List)
		}
	}
	return out
}
