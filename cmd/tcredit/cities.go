package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/tcredit-go/tcredit"
)

// cities lists the cities and whether each is up.
func (c *cli) cities(ctx context.Context) error {
	cities, err := c.client.Cities(ctx)
	if err != nil {
		return err
	}
	if c.opts.json {
		return writeJSON(c.stdout, cities)
	}
	rows := [][]string{{"AREA_CODE", "CITY", "STATUS", "TIPS"}}
	up := 0
	for _, city := range cities {
		if city.Available() {
			up++
		}
		rows = append(rows, []string{city.AreaCode, city.AreaName, city.AreaStatus.String(), city.AreaTips})
	}
	if err := writeTable(c.stdout, rows); err != nil {
		return err
	}
	_, err = fmt.Fprintf(c.stdout, "\n%d cities, %d up\n", len(cities), up)
	return err
}

// params shows the login methods of a city and their fields.
func (c *cli) params(ctx context.Context, areaCode string) error {
	city, err := c.city(ctx, areaCode)
	if err != nil {
		return err
	}
	methods, err := c.client.LoginMethods(ctx, areaCode)
	if err != nil {
		return err
	}
	if c.opts.json {
		return writeJSON(c.stdout, methods)
	}
	w := c.stdout
	fmt.Fprintf(w, "%s %s (%s)\n", printable(city.AreaCode), printable(city.AreaName), city.AreaStatus)
	if city.AreaTips != "" {
		fmt.Fprintln(w, printable(city.AreaTips))
	}
	if len(methods) == 0 {
		_, err := fmt.Fprintln(w, "\nno login methods")
		return err
	}
	for _, m := range methods {
		fmt.Fprintf(w, "\nlogin type %d  %s\n", m.LoginType, printable(m.LoginName))
		var rows [][]string
		for _, p := range m.LoginParams {
			rows = append(rows, []string{"", p.Name, p.Label, p.Type, requiredWord(p.Required), choicesList(p.List)})
		}
		if err := writeTable(w, rows); err != nil {
			return err
		}
	}
	return nil
}

// city returns the city areaCode from the city list; a code the list does not have is
// a usage error.
func (c *cli) city(ctx context.Context, areaCode string) (tcredit.City, error) {
	cities, err := c.client.Cities(ctx)
	if err != nil {
		return tcredit.City{}, err
	}
	for _, city := range cities {
		if city.AreaCode == areaCode {
			return city, nil
		}
	}
	return tcredit.City{}, usagef("no city has the area code %q (run 'tcredit cities')", areaCode)
}

func requiredWord(required bool) string {
	if required {
		return "required"
	}
	return "optional"
}

// choicesList writes the choices of a select as "1=市本级 2=萧山分中心".
func choicesList(list []tcredit.Choice) string {
	parts := make([]string, len(list))
	for i, ch := range list {
		parts[i] = ch.Value + "=" + ch.Key
	}
	return strings.Join(parts, " ")
}

// writeJSON writes v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(printableJSON(b), '\n'))
	return err
}

// loginTypes lists a city's login methods as "1 (客户号), 2 (身份证号)".
func loginTypes(methods []tcredit.LoginMethod) string {
	parts := make([]string, len(methods))
	for i, m := range methods {
		parts[i] = strconv.Itoa(m.LoginType) + " (" + m.LoginName + ")"
	}
	return strings.Join(parts, ", ")
}
